using System.Security.Cryptography.X509Certificates;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Security;
using XMail.Fast.Delivery;
using XMail.Fast.Delivery.Remote;
using XMail.Fast.Tests.Infrastructure;
using XMail.Fast.Tests.Remote;

namespace XMail.Fast.Tests.Security;

/// <summary>
/// "SSL CONFIGURATION", client side: with SSLWantVerify the SMTP client judges the certificate of the server it
/// delivers to, so NeedTLS=2 stops a man in the middle (he can present a valid certificate, but not one for the host
/// we meant to reach). The destination is a second XMail.Fast presenting the certificate each case gives it.
/// </summary>
public sealed class TlsPeerVerificationTests : IClassFixture<TlsServerCertificateTests.Pki>
{
    private readonly TestPki _ca;

    public TlsPeerVerificationTests(TlsServerCertificateTests.Pki pki) => _ca = pki.Ca;

    private const string Verify = "SSLWantVerify=1", Anchors = "SSLUseCertsFile=1", SelfSignedOk = "SSLAllowSelfSigned=1";

    public static TheoryData<string, string, string?> Cases => new()
    {
        // what the destination presents, the sender's server.tab, null = delivered or the refusal's reason
        { "self-signed other.test", $"{Verify},{SelfSignedOk}", "is not for 127.0.0.1" },
        { "issued mitm.test", $"{Verify},{Anchors}", "is not for 127.0.0.1" },
        { "issued 127.0.0.1", $"{Verify},{Anchors}", null },
        { "expired 127.0.0.1", $"{Verify},{Anchors}", "NotTimeValid" },
        { "self-signed 127.0.0.1", Verify, "UntrustedRoot" },
        { "self-signed 127.0.0.1", $"{Verify},{SelfSignedOk}", null },
        { "issued 127.0.0.1", Verify, "PartialChain" }, // without certs.pem only the system's roots count
        { "deep 127.0.0.1", $"{Verify},{Anchors},SSLMaxCertsDepth=1", "SSLMaxCertsDepth allows 1" },
        { "deep 127.0.0.1", $"{Verify},{Anchors},SSLMaxCertsDepth=2", null },
        { "self-signed other.test", "", null }, // SSLWantVerify 0: XMail 1.27's opportunistic TLS, anyone's certificate
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task NeedTLS_2_delivers_only_to_a_server_that_passes_verification(string presented, string variables, string? refusal)
    {
        await using var dest = await TestServer.StartAsync(prepare: root => Present(root.Path, presented));
        await using var h = new RemoteHarness();
        foreach (var assignment in variables.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = (assignment.Split('=')[0], assignment.Split('=')[1]);
            h.Set(name, value);
        }
        _ca.WriteTrustedRoot(h.MailRootPath);
        h.Tls = new PeerCertificateVerifier(() => new ServerConfig(Vars(variables)), h.MailRootPath);
        h.Forwards.Add(("xmailserver.test", $"127.0.0.1:{dest.Port("SMTP")},NeedTLS=2"));

        var r = await h.SendAsync(h.Spool("Subject: tls\r\n\r\nhi\r\n"), "xmailuser@xmailserver.test");
        if (refusal is null) Assert.True(r[0].Status == DeliveryStatus.Delivered, r[0].Text);
        else
        {
            Assert.Equal(DeliveryStatus.TemporaryFailure, r[0].Status); // retried later, never sent in clear
            Assert.Contains("TLS handshake failed: ", r[0].Text);
            Assert.Contains(refusal, r[0].Text);
        }
    }

    private static Dictionary<string, string> Vars(string variables) =>
        variables.Split(',', StringSplitOptions.RemoveEmptyEntries).ToDictionary(a => a.Split('=')[0], a => a.Split('=')[1], StringComparer.OrdinalIgnoreCase);

    private void Present(string mailRoot, string presented)
    {
        switch (presented)
        {
            case "self-signed other.test": TestPki.WriteServerPair(mailRoot, TestPki.SelfSigned("other.test")); break;
            case "issued mitm.test": TestPki.WriteServerPair(mailRoot, _ca.Issue("mitm.test"), _ca.Intermediate); break;
            case "issued 127.0.0.1": TestPki.WriteServerPair(mailRoot, _ca.Issue(), _ca.Intermediate); break;
            case "expired 127.0.0.1": TestPki.WriteServerPair(mailRoot, _ca.Issue(expired: true), _ca.Intermediate); break;
            case "self-signed 127.0.0.1": TestPki.WriteServerPair(mailRoot, TestPki.SelfSigned("localhost")); break;
            case "deep 127.0.0.1": TestPki.WriteServerPair(mailRoot, _ca.Issue(issuer: _ca.SubIntermediate), _ca.SubIntermediate, _ca.Intermediate); break;
            default: throw new ArgumentException(presented);
        }
    }
}
