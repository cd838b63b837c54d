// The toolkit scenario (tests/toolkits/README.md) through the JAX-WS RI: classes that
// `wsimport -extension -p cc.interfax.jaxws` generated from the served WSDL (ports InterFaxSoap
// and InterFaxSoap12), ByRef parameters as javax.xml.ws.Holder.
//
// usage: java InterFaxClient ENDPOINT USERNAME PASSWORD PNG_FILE LABEL [soap12]
// Prints the scenario's lines on stdout; any failed check ends it with exit code 1.

import cc.interfax.jaxws.FaxItemEx;
import cc.interfax.jaxws.InterFax;
import cc.interfax.jaxws.InterFaxSoap;
import cc.interfax.jaxws.ArrayOfFaxItemEx;

import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.ws.BindingProvider;
import javax.xml.ws.Holder;

public class InterFaxClient {
    private static String user;
    private static String password;
    private static InterFaxSoap fax;

    public static void main(String[] args) {
        try {
            run(args);
            System.out.println("DONE");
        } catch (Throwable e) {
            System.out.println("FAIL " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }

    private static void run(String[] args) throws Exception {
        check(args.length == 5 || args.length == 6,
                "usage: InterFaxClient ENDPOINT USERNAME PASSWORD PNG_FILE LABEL [soap12]");
        String endpoint = args[0];
        user = args[1];
        password = args[2];
        byte[] png = Files.readAllBytes(Paths.get(args[3]));
        String label = args[4];
        boolean soap12 = args.length == 6 && args[5].equals("soap12");
        InterFax service = new InterFax(new URL(endpoint + "?WSDL"));
        fax = soap12 ? service.getInterFaxSoap12() : service.getInterFaxSoap();
        ((BindingProvider) fax).getRequestContext()
                .put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, endpoint);
        System.out.println("TOOLKIT " + label + " " + (soap12 ? "InterFaxSoap12" : "InterFaxSoap"));

        String types = fax.getSupportedFileTypes();
        check(types.contains("TXT") && types.contains("PNG"), "supported types " + types);
        System.out.println("SUPPORTED " + types);

        XMLGregorianCalendar past = DatatypeFactory.newInstance()
                .newXMLGregorianCalendar("2000-01-01T00:00:00");

        // Two documents (a two-page text and a PNG) to two numbers: one batch.
        byte[] text = ("Sent by " + label + "\fSecond page").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream files = new ByteArrayOutputStream();
        files.write(text);
        files.write(png);
        long parent = fax.sendfaxEx2(user, password, "+1 212 555 0100;+44 20 5550 0100",
                "New York;London", files.toByteArray(), "TXT;PNG", text.length + ";" + png.length,
                past, 2, "TOOLKIT", "N", "job-" + label, label + " batch", "", "A4", "Portrait",
                false, false);
        check(parent > 0, "SendfaxEx_2 answered " + parent);
        System.out.println("SENT " + parent);
        for (FaxItemEx item : waitFinal(parent, 2)) {
            check(item.getStatus() == 0, "status " + item.getStatus());
            check(item.getParentTransactionID() == parent, "parent " + item.getParentTransactionID());
            check(item.getPagesSent() == 3 && item.getPagesSubmitted() == 3,
                    "pages " + item.getPagesSent());
            check((label + " batch").equals(item.getSubject()), "subject " + item.getSubject());
            download(item.getTransactionID());
        }

        // Chunk upload: the document travels in pieces, SendfaxEx_2 names the session.
        Holder<String> sessionId = new Holder<>("");
        Holder<Integer> started = new Holder<>();
        fax.startFileUpload(user, password, sessionId, started);
        check(started.value == 0, "StartFileUpload answered " + started.value);
        check(sessionId.value != null && sessionId.value.length() == 64, "session " + sessionId.value);
        byte[] document = uploadDocument(label);
        int total = 0;
        for (int offset = 0; offset < document.length; offset += 1000) {
            int end = Math.min(offset + 1000, document.length);
            int answer = fax.uploadFileChunk(sessionId.value,
                    Arrays.copyOfRange(document, offset, end), end == document.length);
            total += end - offset;
            check(answer == total, "UploadFileChunk answered " + answer + ", expected " + total);
        }
        System.out.println("UPLOAD " + sessionId.value + " " + total);
        long uploaded = fax.sendfaxEx2(user, password, "+81 3 5550 0100", "Tokyo", new byte[0],
                "TXT", document.length + "/sessionID=" + sessionId.value, past, 1, "TOOLKIT", "N",
                "upload-" + label, label + " upload", "", "Letter", "Portrait", true, false);
        check(uploaded > 0, "SendfaxEx_2 with a session answered " + uploaded);
        System.out.println("SENT-UPLOAD " + uploaded);
        FaxItemEx single = waitFinal(uploaded, 1).get(0);
        check(single.getStatus() == 0, "upload status " + single.getStatus());
        check("Fine".equals(single.getPageResolution()), "resolution " + single.getPageResolution());
        download(uploaded);
    }

    private static byte[] uploadDocument(String label) {
        StringBuilder text = new StringBuilder();
        for (int line = 1; line <= 80; line++) {
            text.append("Chunk upload by ").append(label).append(", line ").append(line).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Polls FaxQuery PARENT until every member is final (Status >= 0). */
    private static List<FaxItemEx> waitFinal(long parent, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            Holder<Integer> resultCode = new Holder<>(0);
            Holder<ArrayOfFaxItemEx> result = new Holder<>();
            fax.faxQuery(user, password, "PARENT", Long.toString(parent), -1, resultCode, result);
            check(resultCode.value == 0, "FaxQuery ResultCode " + resultCode.value);
            List<FaxItemEx> items = result.value == null ? List.of() : result.value.getFaxItemEx();
            boolean fin = items.size() == count;
            for (FaxItemEx item : items) {
                fin &= item.getStatus() >= 0;
            }
            if (fin) {
                for (FaxItemEx item : items) {
                    System.out.println("FINAL " + item.getTransactionID() + " " + item.getStatus()
                            + " " + item.getPagesSent() + "/" + item.getPagesSubmitted() + " "
                            + item.getDestinationFax());
                }
                return items;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("transaction " + parent + " did not finish");
    }

    private static void download(long transactionId) throws Exception {
        Holder<byte[]> image = new Holder<>(new byte[0]);
        Holder<Long> code = new Holder<>();
        fax.getFaxImage(user, password, transactionId, image, code);
        check(code.value == 0, "GetFaxImage answered " + code.value);
        byte[] tiff = image.value;
        check(tiff != null && tiff.length > 100 && tiff[0] == 'I' && tiff[1] == 'I' && tiff[2] == 42,
                "not a TIFF");
        StringBuilder digest = new StringBuilder();
        for (byte b : MessageDigest.getInstance("SHA-256").digest(tiff)) {
            digest.append(String.format("%02x", b));
        }
        System.out.println("IMAGE " + transactionId + " " + tiff.length + " " + digest);
    }
}
