// Send files as one fax through the Apache Axis 1.4 stub that WSDL2Java generates from the
// served WSDL (the toolkit of InterFAX's own Java samples), wait until it is final, save the
// transmitted image.
//
//   ./build.sh [WSDL_URL]     # WSDL2Java + javac -> build/classes
//   ./run.sh ENDPOINT USERNAME PASSWORD FAXNUMBER FILE [FILE ...]
//
// Exit code 0 when every fax was sent.

import cc.interfax.axis.FaxItemEx;
import cc.interfax.axis.InterFaxLocator;
import cc.interfax.axis.InterFaxSoap_PortType;

import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.TimeZone;
import javax.xml.rpc.holders.ByteArrayHolder;
import javax.xml.rpc.holders.IntHolder;

public class SendFax {
    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: SendFax ENDPOINT USERNAME PASSWORD FAXNUMBER FILE [FILE ...]");
            System.exit(2);
        }
        String user = args[1], password = args[2], numbers = args[3];
        InterFaxSoap_PortType fax = new InterFaxLocator().getInterFaxSoap(new URL(args[0]));

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
        Calendar now = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        now.clear();
        now.set(2000, Calendar.JANUARY, 1);  // any time in the past means "send now"

        long parent = fax.sendfaxEx_2(user, password, numbers, "", data.toByteArray(),
                String.join(";", types), String.join(";", sizes), now, 3, "", "", "",
                Paths.get(args[4]).getFileName().toString(), "", "A4", "Portrait", false, false);
        if (parent < 0) {
            System.err.println("SendfaxEx_2 failed: " + parent + " ("
                    + fax.getErrorDescription((int) parent) + ")");
            System.exit(1);
        }
        System.out.println("transaction " + parent);

        FaxItemEx[] items;
        while (true) {
            items = fax.faxQuery(user, password, "PARENT", Long.toString(parent), -1, new IntHolder(0));
            boolean done = items != null && items.length > 0;
            for (int i = 0; done && i < items.length; i++) {
                done = items[i].getStatus() >= 0;
            }
            if (done) {
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
            ByteArrayHolder image = new ByteArrayHolder(new byte[0]);
            if (fax.getFaxImage(user, password, item.getTransactionID(), image) == 0) {
                Path name = Paths.get("fax-" + item.getTransactionID() + ".tif");
                Files.write(name, image.value);
                System.out.println("saved " + name);
            }
        }
        System.exit(failed == 0 ? 0 : 1);
    }
}
