// The HTTP GET and HTTP POST bindings (/dfs.asmx/<Operation>) through the proxies that mono's
// `wsdl -protocol:HttpGet` / `-protocol:HttpPost` generate from the served WSDL
// (HttpGetClientProtocol / HttpPostClientProtocol: every parameter a string, byte arrays as
// string[] of base64, the answer a bare <long>, <int>, <string> or <boolean> element).
// These bindings offer no polling, so the test follows the faxes itself.
//
// usage: mono InterFaxFormClient.exe ENDPOINT USERNAME PASSWORD LABEL POSTPONE_UNTIL
// Prints: FORM, SUPPORTED, SENT <batch>, CHARFAX <id>, SENDFAX <id>, CANCELLED <id>, DONE.
using System;
using System.Text;
using InterFaxForm;

public static class InterFaxFormClient
{
    static void Check(bool condition, string what)
    {
        if (!condition) throw new Exception(what);
    }

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

    static void Run(string[] args)
    {
        Check(args.Length == 5,
            "usage: InterFaxFormClient ENDPOINT USERNAME PASSWORD LABEL POSTPONE_UNTIL");
        string user = args[1], password = args[2], label = args[3], later = args[4];
        InterFax fax = new InterFax();
        fax.Url = args[0];
        Console.WriteLine("FORM " + label + " " + fax.GetType().BaseType.Name);

        string types = fax.GetSupportedFileTypes();
        Check(types.Contains("TXT"), "supported types " + types);
        Check(fax.IsSupportedFileType("pdf") == true, "IsSupportedFileType pdf");
        Check(fax.IsSupportedFileType("exe") == false, "IsSupportedFileType exe");
        Console.WriteLine("SUPPORTED " + types);
        Check(fax.GetErrorDescription("-1003").Length > 0, "GetErrorDescription");

        byte[] first = Encoding.ASCII.GetBytes("Form binding, " + label + "\fpage two");
        byte[] second = Encoding.ASCII.GetBytes("Second document");
        byte[] both = new byte[first.Length + second.Length];
        first.CopyTo(both, 0);
        second.CopyTo(both, first.Length);
        long parent = fax.SendfaxEx_2(user, password, "+1 212 555 0100;+44 20 5550 0100",
            "New York;London", new string[] { Convert.ToBase64String(both) }, "TXT;TXT",
            first.Length + ";" + second.Length, "2000-01-01T00:00:00", "2", "TOOLKIT", "N",
            "job-" + label, label + " batch", "", "A4", "Portrait", "false", "false");
        Check(parent > 0, "SendfaxEx_2 answered " + parent);
        Console.WriteLine("SENT " + parent);

        long single = fax.SendCharFax(user, password, "+81 3 5550 0100",
            "SendCharFax over " + label, "TXT");
        Check(single > 0, "SendCharFax answered " + single);
        Console.WriteLine("CHARFAX " + single);

        long sent = fax.Sendfax(user, password, "+1 212 555 0100",
            new string[] { Convert.ToBase64String(Encoding.ASCII.GetBytes("Sendfax over " + label)) },
            "TXT");
        Check(sent > 0, "Sendfax answered " + sent);
        Console.WriteLine("SENDFAX " + sent);

        // A postponed fax, cancelled before its time.
        long laterId = fax.SendfaxEx(user, password, "+1 212 555 0100",
            new string[] { Convert.ToBase64String(Encoding.ASCII.GetBytes("cancel me")) }, "TXT",
            "9", later, "false", "", label + " cancelled", "");
        Check(laterId > 0, "SendfaxEx answered " + laterId);
        int cancelled = fax.CancelFax(user, password, laterId.ToString());
        Check(cancelled == 0, "CancelFax answered " + cancelled);
        Console.WriteLine("CANCELLED " + laterId);
    }
}
