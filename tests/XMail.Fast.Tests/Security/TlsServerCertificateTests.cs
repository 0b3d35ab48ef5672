using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Security;

/// <summary>
/// "SSL CONFIGURATION", server side: server.cert may hold the whole chain and all of it is presented; with
/// SSLWantVerify the server asks clients for a certificate and judges it (SSLWantCert, SSLAllowSelfSigned,
/// SSLUseCertsFile), on the implicit-TLS ports and after STARTTLS alike.
/// </summary>
public sealed class TlsServerCertificateTests : IClassFixture<TlsServerCertificateTests.Pki>
{
    public sealed class Pki : IDisposable
    {
        public TestPki Ca { get; } = TestPki.Create();
        public void Dispose() => Ca.Dispose();
    }

    private readonly TestPki _ca;

    public TlsServerCertificateTests(Pki pki) => _ca = pki.Ca;

    private Task<TestServer> StartAsync(string? sslVariables = null) => TestServer.StartAsync(prepare: root =>
    {
        TestPki.WriteServerPair(root.Path, _ca.Issue(), _ca.Intermediate);
        _ca.WriteTrustedRoot(root.Path);
        if (sslVariables is not null) File.AppendAllText(root.File("server.tab"), sslVariables);
    });

    private const string VerifyClients = "\"SSLWantVerify\"\t\"1\"\n\"SSLUseCertsFile\"\t\"1\"\n";

    [Fact]
    public async Task A_full_chain_in_server_cert_is_presented_whole()
    {
        await using var s = await StartAsync();
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, DisableCertificateDownloads = true, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(_ca.Root.RawData)); // the root only: the intermediate must come from the server
        SslPolicyErrors? seen = null;
        int elements = 0;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", s.Port("SMTPS"));
        using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost", CertificateChainPolicy = policy,
            RemoteCertificateValidationCallback = (_, _, chain, errors) => { seen = errors; elements = chain!.ChainElements.Count; return true; },
        });
        Assert.Equal(SslPolicyErrors.None, seen);
        Assert.Equal(3, elements);
    }

    public static TheoryData<string, string, bool> ClientCases => new()
    {
        // client certificate, server.tab additions, accepted
        { "none", VerifyClients, true },
        { "none", VerifyClients + "\"SSLWantCert\"\t\"1\"\n", false },
        { "issued", VerifyClients + "\"SSLWantCert\"\t\"1\"\n", true },
        { "expired", VerifyClients, false },
        { "self-signed", VerifyClients, false },
        { "self-signed", VerifyClients + "\"SSLAllowSelfSigned\"\t\"1\"\n", true },
        { "self-signed", "", true }, // SSLWantVerify 0 (XMail 1.27's default): nothing is asked or checked
    };

    [Theory]
    [MemberData(nameof(ClientCases))]
    public async Task Client_certificates_are_judged_by_the_SSL_variables(string client, string variables, bool accepted)
    {
        await using var s = await StartAsync(variables);
        var certificate = client switch
        {
            "issued" => _ca.Issue("client.test", client: true),
            "expired" => _ca.Issue("client.test", expired: true, client: true),
            "self-signed" => TestPki.SelfSigned("client.test", client: true),
            _ => null,
        };
        Assert.Equal(accepted, await GreetingOverSmtpsAsync(s, certificate) is not null);
        Assert.Equal(accepted, await GreetingAfterStartTlsAsync(s, certificate));
    }

    private async Task<string?> GreetingOverSmtpsAsync(TestServer s, X509Certificate2? certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", s.Port("SMTPS"));
        using var tls = new SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(ClientOptions(certificate));
            return await ReadLineAsync(tls);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            return null; // refused during the handshake or with an alert right after it (TLS 1.3)
        }
    }

    private async Task<bool> GreetingAfterStartTlsAsync(TestServer s, X509Certificate2? certificate)
    {
        await using var c = await Smtp.SmtpTestKit.ConnectAsync(s, "tls.test");
        Assert.StartsWith("220 ", await Smtp.SmtpTestKit.CommandAsync(c, "STARTTLS"));
        var tls = new SslStream(c.Stream);
        try
        {
            await tls.AuthenticateAsClientAsync(ClientOptions(certificate));
            c.Stream = tls;
            await c.SendLineAsync("EHLO tls.test");
            return (await Smtp.SmtpTestKit.ReadReplyAsync(c))[0].StartsWith("250");
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            return false;
        }
    }

    private SslClientAuthenticationOptions ClientOptions(X509Certificate2? certificate) => new()
    {
        TargetHost = "localhost",
        RemoteCertificateValidationCallback = (_, _, _, _) => true,
        ClientCertificateContext = certificate is null ? null : SslStreamCertificateContext.Create(certificate, [_ca.Intermediate], offline: true),
    };

    private static async Task<string?> ReadLineAsync(Stream s)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[512];
        int n = await s.ReadAsync(buffer, cts.Token);
        return n == 0 ? null : Encoding.Latin1.GetString(buffer, 0, n);
    }
}
