// The toolkit scenario (tests/toolkits/README.md) through a proxy that mono's `wsdl` tool
// generated from the served WSDL: a System.Web.Services SoapHttpClientProtocol, as an ASMX
// "Web Reference" in Visual Studio makes it.
//
// usage: mono InterFaxClient.exe ENDPOINT USERNAME PASSWORD PNG_FILE LABEL
// Prints the scenario's lines on stdout; any failed check ends it with exit code 1.
using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using InterFaxProxy;

public static class InterFaxClient
{
    static string user, password;
    static InterFax fax;

    public static int Main(string[] args)
    {
        try
        {
            Run(args);
            Console.WriteLine("DONE");
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine("FAIL " + e.Message);
            Console.Error.WriteLine(e);
            return 1;
        }
    }

    static void Check(bool condition, string what)
    {
        if (!condition) throw new Exception(what);
    }

    static void Run(string[] args)
    {
        Check(args.Length == 5, "usage: InterFaxClient ENDPOINT USERNAME PASSWORD PNG_FILE LABEL");
        user = args[1];
        password = args[2];
        byte[] png = File.ReadAllBytes(args[3]);
        string label = args[4];
        fax = new InterFax();
        // The proxy's default address is the WSDL's soap:address / soap12:address.
        Check(fax.Url == args[0], "the WSDL's address is " + fax.Url + ", not " + args[0]);
        fax.Url = args[0];
        Console.WriteLine("TOOLKIT " + label + " " + fax.GetType().BaseType.Name);

        string types = fax.GetSupportedFileTypes();
        Check(types.Contains("TXT") && types.Contains("PNG"), "supported types " + types);
        Console.WriteLine("SUPPORTED " + types);

        // Two documents (a two-page text and a PNG) to two numbers: one batch.
        byte[] text = Encoding.ASCII.GetBytes("Sent by " + label + "\fSecond page");
        byte[] files = new byte[text.Length + png.Length];
        text.CopyTo(files, 0);
        png.CopyTo(files, text.Length);
        long parent = fax.SendfaxEx_2(user, password, "+1 212 555 0100;+44 20 5550 0100",
            "New York;London", files, "TXT;PNG", text.Length + ";" + png.Length,
            new DateTime(2000, 1, 1), 2, "TOOLKIT", "N", "job-" + label, label + " batch",
            "", "A4", "Portrait", false, false);
        Check(parent > 0, "SendfaxEx_2 answered " + parent);
        Console.WriteLine("SENT " + parent);
        FaxItemEx[] members = WaitFinal(parent, 2);
        foreach (FaxItemEx item in members)
        {
            Check(item.Status == 0, "status " + item.Status);
            Check(item.ParentTransactionID == parent, "parent " + item.ParentTransactionID);
            Check(item.PagesSent == 3 && item.PagesSubmitted == 3, "pages " + item.PagesSent);
            Check(item.Subject == label + " batch", "subject " + item.Subject);
            Download(item.TransactionID);
        }

        // Chunk upload: the document travels in pieces, SendfaxEx_2 names the session.
        string sessionId = null;
        int started = fax.StartFileUpload(user, password, ref sessionId);
        Check(started == 0, "StartFileUpload answered " + started);
        Check(sessionId != null && sessionId.Length == 64, "session id " + sessionId);
        byte[] document = UploadDocument(label);
        int total = 0;
        for (int offset = 0; offset < document.Length; offset += 1000)
        {
            int size = Math.Min(1000, document.Length - offset);
            byte[] chunk = new byte[size];
            Array.Copy(document, offset, chunk, 0, size);
            bool last = offset + size == document.Length;
            int answer = fax.UploadFileChunk(sessionId, chunk, last);
            total += size;
            Check(answer == total, "UploadFileChunk answered " + answer + ", expected " + total);
        }
        Console.WriteLine("UPLOAD " + sessionId + " " + total);
        long uploaded = fax.SendfaxEx_2(user, password, "+81 3 5550 0100", "Tokyo", new byte[0],
            "TXT", document.Length + "/sessionID=" + sessionId, new DateTime(2000, 1, 1), 1,
            "TOOLKIT", "N", "upload-" + label, label + " upload", "", "Letter", "Portrait",
            true, false);
        Check(uploaded > 0, "SendfaxEx_2 with a session answered " + uploaded);
        Console.WriteLine("SENT-UPLOAD " + uploaded);
        FaxItemEx[] single = WaitFinal(uploaded, 1);
        Check(single[0].Status == 0, "upload status " + single[0].Status);
        Check(single[0].PageResolution == "Fine", "resolution " + single[0].PageResolution);
        Download(uploaded);
    }

    static byte[] UploadDocument(string label)
    {
        StringBuilder text = new StringBuilder();
        for (int line = 1; line <= 80; line++)
            text.Append("Chunk upload by " + label + ", line " + line + "\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    // Polls FaxQuery PARENT until every member is final (Status >= 0).
    static FaxItemEx[] WaitFinal(long parent, int count)
    {
        DateTime deadline = DateTime.Now.AddSeconds(120);
        while (DateTime.Now < deadline)
        {
            int resultCode = 0;
            FaxItemEx[] items = fax.FaxQuery(user, password, "PARENT", parent.ToString(), -1,
                ref resultCode);
            Check(resultCode == 0, "FaxQuery ResultCode " + resultCode);
            bool final = items != null && items.Length == count;
            if (final)
                foreach (FaxItemEx item in items) final &= item.Status >= 0;
            if (final)
            {
                foreach (FaxItemEx item in items)
                    Console.WriteLine("FINAL " + item.TransactionID + " " + item.Status + " "
                        + item.PagesSent + "/" + item.PagesSubmitted + " " + item.DestinationFax);
                return items;
            }
            Thread.Sleep(250);
        }
        throw new Exception("transaction " + parent + " did not finish");
    }

    static void Download(long transactionId)
    {
        byte[] image = null;
        long code = fax.GetFaxImage(user, password, transactionId, ref image);
        Check(code == 0, "GetFaxImage answered " + code);
        Check(image != null && image.Length > 100 && image[0] == 'I' && image[1] == 'I'
            && image[2] == 42, "not a TIFF");
        string digest = BitConverter.ToString(SHA256.Create().ComputeHash(image))
            .Replace("-", "").ToLowerInvariant();
        Console.WriteLine("IMAGE " + transactionId + " " + image.Length + " " + digest);
    }
}
