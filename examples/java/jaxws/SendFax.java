// Send files as one fax through JAX-WS classes that `wsimport` generates from the served WSDL,
// wait until it is final, save the transmitted image.
//
//   ./build.sh [WSDL_URL]     # wsimport + javac -> build/classes
//   ./run.sh ENDPOINT USERNAME PASSWORD FAXNUMBER FILE [FILE ...]
//
// Exit code 0 when every fax was sent.

import cc.interfax.jaxws.ArrayOfFaxItemEx;
import cc.interfax.jaxws.FaxItemEx;
import cc.interfax.jaxws.InterFax;
import cc.interfax.jaxws.InterFaxSoap;

import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.ws.BindingProvider;
import javax.xml.ws.Holder;

public class SendFax {
    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: SendFax ENDPOINT USERNAME PASSWORD FAXNUMBER FILE [FILE ...]");
            System.exit(2);
        }
        String endpoint = args[0], user = args[1], password = args[2], numbers = args[3];
        InterFaxSoap fax = new InterFax(new URL(endpoint + "?WSDL")).getInterFaxSoap();
        ((BindingProvider) fax).getRequestContext()
                .put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, endpoint);

        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<String> types = new ArrayList<>();
        List<String> sizes = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            byte[] content = Files.readAllBytes(Paths.get(args[i]));
            data.write(content);
            String name = args[i];
            types.add(name.substring(name.lastIndexOf('.') + 1).toUpperCase());
            sizes.add(Integer.toString(content.length));
        }

        long parent = fax.sendfaxEx2(user, password, numbers, "", data.toByteArray(),
                String.join(";", types), String.join(";", sizes),
                DatatypeFactory.newInstance().newXMLGregorianCalendar("2000-01-01T00:00:00"), 3,
                "", "", "", Paths.get(args[4]).getFileName().toString(), "", "A4", "Portrait",
                false, false);
        if (parent < 0) {
            System.err.println("SendfaxEx_2 failed: " + parent + " ("
                    + fax.getErrorDescription((int) parent) + ")");
            System.exit(1);
        }
        System.out.println("transaction " + parent);

        List<FaxItemEx> items;
        while (true) {
            Holder<Integer> resultCode = new Holder<>(0);
            Holder<ArrayOfFaxItemEx> result = new Holder<>();
            fax.faxQuery(user, password, "PARENT", Long.toString(parent), -1, resultCode, result);
            items = result.value == null ? List.of() : result.value.getFaxItemEx();
            if (!items.isEmpty() && items.stream().allMatch(item -> item.getStatus() >= 0)) {
                break;
            }
            Thread.sleep(1000);
        }

        int failed = 0;
        for (FaxItemEx item : items) {
            System.out.println(item.getTransactionID() + " to " + item.getDestinationFax()
                    + ": status " + item.getStatus() + ", " + item.getPagesSent() + "/"
                    + item.getPagesSubmitted() + " pages, " + item.getDuration() + " s");
            if (item.getStatus() != 0) {
                failed++;
            }
            Holder<byte[]> image = new Holder<>(new byte[0]);
            Holder<Long> code = new Holder<>();
            fax.getFaxImage(user, password, item.getTransactionID(), image, code);
            if (code.value == 0) {
                Path name = Paths.get("fax-" + item.getTransactionID() + ".tif");
                Files.write(name, image.value);
                System.out.println("saved " + name);
            }
        }
        System.exit(failed == 0 ? 0 : 1);
    }
}
