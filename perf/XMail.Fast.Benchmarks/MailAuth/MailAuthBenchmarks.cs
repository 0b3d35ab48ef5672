using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.MailAuth;
using XMail.Fast.Delivery.MailAuth;
using XMail.Fast.Delivery.MailAuth.Dkim;

namespace XMail.Fast.Benchmarks.MailAuth;

/// <summary>
/// What sender authentication costs one accepted message once DNS answers are cached: the SPF evaluation at MAIL
/// FROM, and the after-DATA check of a 1 KB spool file (DMARC by SPF for an unsigned message, or an RSA-2048 DKIM
/// verification for a signed one) including the Authentication-Results write. WriteSpoolFile is the part of each
/// after-DATA benchmark that only recreates the spool file.
/// </summary>
[MemoryDiagnoser]
public class MailAuthBenchmarks
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");
    private string _dir = "";
    private string _spool = "";
    private byte[] _unsigned = [];
    private byte[] _signed = [];
    private MailAuthenticator _auth = null!;
    private SpfVerdict _spf = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("xmf-bench-auth-").FullName;
        File.WriteAllText(Path.Combine(_dir, "server.tab"), "\"SpfCheck\"\t\"1\"\n\"DkimVerify\"\t\"1\"\n\"ArcVerify\"\t\"1\"\n\"DmarcCheck\"\t\"2\"\n\"AuthResults\"\t\"1\"\n\"AuthServId\"\t\"mx.test\"\n");
        var ctx = new MailServerContext(new MailRoot(_dir), new XMailOptions { MailRootPath = _dir });
        var dns = new StubDnsResolver();
        dns.Txt("example.org", "v=spf1 ip4:192.0.2.0/24 -all");
        dns.Txt("_dmarc.example.org", "v=DMARC1; p=reject");
        var pem = DkimKeyFile.Generate("rsa");
        var key = DkimKeyFile.Read(pem);
        dns.Txt("sel._domainkey.example.org", DkimKeyFile.TxtRecord(key));
        _auth = new MailAuthenticator(ctx, dns);
        var message = Encoding.ASCII.GetBytes("From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: Hello\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\n" +
            "Message-ID: <1@example.org>\r\n\r\n" + string.Concat(Enumerable.Repeat("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\r\n", 12)));
        var head = Encoding.ASCII.GetBytes("[192.0.2.10]:4000;[127.0.0.1]:25;Fri, 4 Dec 2026 10:00:00 +0000\r\nmx.test\r\nS1\r\nMAIL FROM:<alice@example.org>\r\n" +
            "RCPT TO:<bob@example.net>\r\n<<MAIL-DATA>>\r\nReceived: from client.example ([192.0.2.10]) by mx.test; Fri, 4 Dec 2026 10:00:00 +0000\r\n");
        _unsigned = [.. head, .. message];
        var field = new DkimMessageSigner(TimeProvider.System)
            .Sign(new MemoryStream(message), [new DkimSigningKey("example.org", "sel", key, DkimKeyFile.AlgorithmOf(key), "")], MailAuthSettings.DefaultSignedHeaders);
        _signed = [.. head, .. Encoding.ASCII.GetBytes(field), .. message];
        _spool = Path.Combine(_dir, "spoolfile");
        _spf = _auth.CheckMailFromAsync(Client, "client.example", "alice@example.org").AsTask().Result;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    [Benchmark]
    public SpfResult SpfAtMailFrom() => _auth.CheckMailFromAsync(Client, "client.example", "alice@example.org").AsTask().Result.Result;

    [Benchmark(Baseline = true)]
    public void WriteSpoolFile() => Write(_unsigned);

    /// <summary>Rewrites the file in place: truncating it to zero first would make ext4 flush it at close.</summary>
    private void Write(byte[] bytes)
    {
        using var h = File.OpenHandle(_spool, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        RandomAccess.Write(h, bytes, 0);
        RandomAccess.SetLength(h, bytes.Length);
    }

    [Benchmark]
    public MessageDisposition AfterDataUnsigned()
    {
        Write(_unsigned);
        return Check();
    }

    [Benchmark]
    public MessageDisposition AfterDataSignedRsa2048()
    {
        Write(_signed);
        return Check();
    }

    private MessageDisposition Check() =>
        _auth.CheckMessageAsync(new MessageAuthRequest(_spool, Client, "client.example", "alice@example.org", _spf, SpfVerdict.NotChecked("helo")))
            .AsTask().Result.Disposition;
}
