using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using XMail.Fast.Core.MailAuth;
using XMail.Fast.Delivery.Dns;
using XMail.Fast.Delivery.MailAuth.Dkim;

namespace XMail.Fast.Tests.MailAuth;

/// <summary>Shared pieces of the mail authentication tests: sample messages, keys, dkimpy, our verifier.</summary>
internal static class MailAuthKit
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "MailAuth", "Fixtures", name);

    public static byte[] Message(string from = "alice@example.org", string subject = "Hello", string body = "Hi Bob,\r\n\r\nsee you at 10.\r\n") =>
        Encoding.ASCII.GetBytes(
            $"From: Alice <{from}>\r\nTo: bob@example.net\r\nSubject: {subject}\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\n" +
            $"Message-ID: <1@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n{body}");

    public static (DkimSigningKey Key, string Pem) NewKey(string type, string domain = "example.org", string selector = "sel")
    {
        var pem = DkimKeyFile.Generate(type);
        var key = DkimKeyFile.Read(pem);
        return (new DkimSigningKey(domain, selector, key, DkimKeyFile.AlgorithmOf(key), ""), pem);
    }

    /// <summary>The key file dkimpy reads: PEM for RSA, the base64 seed for Ed25519 (dknewkey's format).</summary>
    public static string DkimpyKeyText(DkimSigningKey key, string pem) =>
        key.PrivateKey is Org.BouncyCastle.Crypto.Parameters.Ed25519PrivateKeyParameters ed ? Convert.ToBase64String(ed.GetEncoded()) : pem;

    public static async Task<IReadOnlyList<DkimSignatureResult>> VerifyAsync(byte[] message, ZoneDnsServer dns)
    {
        var resolver = new DnsResolver(() => dns.SmartDnsHost) { Timeout = TimeSpan.FromMilliseconds(300) };
        var verifier = new DkimMessageVerifier(new DnsDkimKeyLocator(resolver), TimeProvider.System, NullLogger.Instance);
        var parsed = MimeMessage.Load(new MemoryStream(message));
        int body = IndexOf(message, "\r\n\r\n"u8) + 4;
        return await verifier.VerifyAsync(parsed, message.Length - body, 1024, default);
    }

    public static int IndexOf(byte[] data, ReadOnlySpan<byte> what) => data.AsSpan().IndexOf(what);

    public static (int Exit, byte[] Stdout, string Stderr) Python(byte[] stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Fixture("dkimpy_tool.py"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var errTask = p.StandardError.ReadToEndAsync();
        var outBuffer = new MemoryStream();
        var outTask = p.StandardOutput.BaseStream.CopyToAsync(outBuffer);
        p.StandardInput.BaseStream.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(30_000))
        {
            p.Kill();
            throw new TimeoutException("dkimpy_tool.py did not finish");
        }
        outTask.Wait();
        return (p.ExitCode, outBuffer.ToArray(), errTask.Result);
    }

    public static byte[] Replace(byte[] data, string from, string to) =>
        Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(data).Replace(from, to));
}
