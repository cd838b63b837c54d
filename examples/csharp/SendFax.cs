// Send files as one fax through the ASMX proxy that mono's (or .NET Framework's) `wsdl` tool
// generates from the served WSDL, wait until it is final, save the transmitted image.
//
//   ./build.sh [WSDL_URL]        # wsdl + mcs -> build/SendFax.exe
//   mono build/SendFax.exe ENDPOINT USERNAME PASSWORD FAXNUMBER FILE [FILE ...]
//
// Exit code 0 when every fax was sent.
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using InterFaxProxy;

public static class SendFax
{
    public static int Main(string[] args)
    {
        if (args.Length < 5)
        {
            Console.Error.WriteLine("usage: SendFax.exe ENDPOINT USERNAME PASSWORD FAXNUMBER FILE [FILE ...]");
            return 2;
        }
        string user = args[1], password = args[2], numbers = args[3];
        InterFax fax = new InterFax();
        fax.Url = args[0];  // the proxy defaults to the address in the WSDL it was made from

        var data = new MemoryStream();
        var types = new List<string>();
        var sizes = new List<string>();
        for (int i = 4; i < args.Length; i++)
        {
            byte[] content = File.ReadAllBytes(args[i]);
            data.Write(content, 0, content.Length);
            types.Add(Path.GetExtension(args[i]).TrimStart('.').ToUpperInvariant());
            sizes.Add(content.Length.ToString());
        }

        long parent = fax.SendfaxEx_2(user, password, numbers, "", data.ToArray(),
            string.Join(";", types), string.Join(";", sizes), new DateTime(2000, 1, 1), 3, "", "",
            "", Path.GetFileName(args[4]), "", "A4", "Portrait", false, false);
        if (parent < 0)
        {
            Console.Error.WriteLine("SendfaxEx_2 failed: " + parent + " ("
                + fax.GetErrorDescription((int)parent) + ")");
            return 1;
        }
        Console.WriteLine("transaction " + parent);

        FaxItemEx[] items;
        while (true)
        {
            int resultCode = 0;
            items = fax.FaxQuery(user, password, "PARENT", parent.ToString(), -1, ref resultCode);
            bool final = items != null && items.Length > 0;
            if (final)
                foreach (FaxItemEx item in items) final &= item.Status >= 0;
            if (final) break;
            Thread.Sleep(1000);
        }

        int failed = 0;
        foreach (FaxItemEx item in items)
        {
            Console.WriteLine(item.TransactionID + " to " + item.DestinationFax + ": status "
                + item.Status + ", " + item.PagesSent + "/" + item.PagesSubmitted + " pages, "
                + item.Duration + " s");
            if (item.Status != 0) failed++;
            byte[] image = null;
            if (fax.GetFaxImage(user, password, item.TransactionID, ref image) == 0)
            {
                string name = "fax-" + item.TransactionID + ".tif";
                File.WriteAllBytes(name, image);
                Console.WriteLine("saved " + name);
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
