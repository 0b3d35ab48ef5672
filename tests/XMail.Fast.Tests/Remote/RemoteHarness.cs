using System.Text;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Dns;
using XMail.Fast.Core.Spool;
using XMail.Fast.Delivery.Dns;
using XMail.Fast.Delivery.Remote;
using XMail.Fast.Delivery;

namespace XMail.Fast.Tests.Remote;

/// <summary>A RemoteMailer over a throwaway MailRoot with in-memory smtpgw/smtpfwd tables and server.tab variables.</summary>
public sealed class RemoteHarness : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xmf-remote-").FullName;
    private readonly Dictionary<string, string> _vars = new(StringComparer.OrdinalIgnoreCase) { ["SmtpServerDomain"] = "us.test" };
    private RemoteMailer? _mailer;

    public List<(string, string)> Gateways { get; } = new();
    public List<(string, string)> Forwards { get; } = new();
    public IDnsResolver Dns { get; set; } = new DnsResolver(() => "127.0.0.1:9:udp") { Timeout = TimeSpan.FromMilliseconds(200) };
    public SmtpClientTimeouts Timeouts { get; set; } = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    public int MxPort { get; set; } = 25;
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public int MaxConnectionsPerHost { get; set; } = 8;
    /// <summary>How servers' certificates are judged after STARTTLS (default: the SSL variables set with <see cref="Set"/>, no certs.pem).</summary>
    public XMail.Fast.Core.Security.PeerCertificateVerifier? Tls { get; set; }

    public string MailRootPath => _dir;

    public void Set(string variable, string value) => _vars[variable] = value;

    public void WriteAuth(string fileName, string line)
    {
        var dir = Path.Combine(_dir, "userauth", "smtp");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, fileName), line + "\n");
    }

    public RemoteMailer Mailer => _mailer ??= new RemoteMailer(Dns,
        new RemoteRouter(() => new DomainRouteTable(Gateways), () => new DomainRouteTable(Forwards), () => new ServerConfig(new(_vars, StringComparer.OrdinalIgnoreCase))),
        new ClientAuthTable(new MailRoot(_dir)), () => new ServerConfig(new(_vars, StringComparer.OrdinalIgnoreCase)),
        timeouts: Timeouts, idleTimeout: IdleTimeout, maxConnectionsPerHost: MaxConnectionsPerHost, tls: Tls) { MxPort = MxPort };

    /// <summary>Writes a spool file (header + &lt;&lt;MAIL-DATA&gt;&gt; + body) and returns its envelope.</summary>
    public RemoteEnvelope Spool(string body, string from = "sender@src.test", params string[] rcpts)
    {
        var h = new SpoolHeader { Info = "[127.0.0.1]:1;[127.0.0.1]:25;now", SmtpDomain = "us.test", MessageId = "S1", MailFromLine = $"MAIL FROM:<{from}>" };
        foreach (var r in rcpts.Length == 0 ? ["x@dest.test"] : rcpts) h.RcptLines.Add($"RCPT TO:<{r}>");
        var path = Path.Combine(_dir, "spool-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes(h.Format() + body));
        return RemoteEnvelope.FromSpool(path, SpoolHeader.ReadFile(path)!);
    }

    public Task<RecipientOutcome[]> SendAsync(RemoteEnvelope e, params string[] rcpts) => Mailer.SendAsync(e, rcpts, null, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (_mailer is not null) await _mailer.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch { }
    }
}
