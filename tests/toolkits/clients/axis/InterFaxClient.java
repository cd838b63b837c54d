// The toolkit scenario (tests/toolkits/README.md) through Apache Axis 1.4, the toolkit of
// InterFAX's own Java samples: a stub that `WSDL2Java -p cc.interfax.axis` generated from the
// served WSDL (InterFaxLocator, InterFaxSoap_BindingStub), ByRef parameters as JAX-RPC holders.
//
// usage: java InterFaxClient ENDPOINT USERNAME PASSWORD PNG_FILE LABEL
// Prints the scenario's lines on stdout; any failed check ends it with exit code 1.

import cc.interfax.axis.FaxItemEx;
import cc.interfax.axis.InterFaxLocator;
import cc.interfax.axis.InterFaxSoap_PortType;

import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.TimeZone;
import javax.xml.rpc.holders.ByteArrayHolder;
import javax.xml.rpc.holders.IntHolder;
import javax.xml.rpc.holders.StringHolder;

public class InterFaxClient {
    private static String user;
    private static String password;
    private static InterFaxSoap_PortType fax;

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
        check(args.length == 5, "usage: InterFaxClient ENDPOINT USERNAME PASSWORD PNG_FILE LABEL");
        user = args[1];
        password = args[2];
        byte[] png = Files.readAllBytes(Paths.get(args[3]));
        String label = args[4];
        fax = new InterFaxLocator().getInterFaxSoap(new URL(args[0]));
        System.out.println("TOOLKIT " + label + " " + fax.getClass().getSimpleName());

        String types = fax.getSupportedFileTypes();
        check(types.contains("TXT") && types.contains("PNG"), "supported types " + types);
        System.out.println("SUPPORTED " + types);

        Calendar past = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        past.clear();
        past.set(2000, Calendar.JANUARY, 1);

        // Two documents (a two-page text and a PNG) to two numbers: one batch.
        byte[] text = ("Sent by " + label + "\fSecond page").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream files = new ByteArrayOutputStream();
        files.write(text);
        files.write(png);
        long parent = fax.sendfaxEx_2(user, password, "+1 212 555 0100;+44 20 5550 0100",
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
        StringHolder sessionId = new StringHolder("");
        int started = fax.startFileUpload(user, password, sessionId);
        check(started == 0, "StartFileUpload answered " + started);
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
        long uploaded = fax.sendfaxEx_2(user, password, "+81 3 5550 0100", "Tokyo", new byte[0],
                "TXT", document.length + "/sessionID=" + sessionId.value, past, 1, "TOOLKIT", "N",
                "upload-" + label, label + " upload", "", "Letter", "Portrait", true, false);
        check(uploaded > 0, "SendfaxEx_2 with a session answered " + uploaded);
        System.out.println("SENT-UPLOAD " + uploaded);
        FaxItemEx single = waitFinal(uploaded, 1)[0];
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
    private static FaxItemEx[] waitFinal(long parent, int count) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            IntHolder resultCode = new IntHolder(0);
            FaxItemEx[] items = fax.faxQuery(user, password, "PARENT", Long.toString(parent), -1,
                    resultCode);
            check(resultCode.value == 0, "FaxQuery ResultCode " + resultCode.value);
            boolean fin = items != null && items.length == count;
            for (int i = 0; fin && i < items.length; i++) {
                fin = items[i].getStatus() >= 0;
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
        ByteArrayHolder image = new ByteArrayHolder(new byte[0]);
        long code = fax.getFaxImage(user, password, transactionId, image);
        check(code == 0, "GetFaxImage answered " + code);
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
