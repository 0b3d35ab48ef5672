using System.Text.RegularExpressions;
using XMail.Fast.Core.Security;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Ctrl;

/// <summary>Raw CTRL client for the tests: TAB-quoted commands, the banner timestamp, logins, lists and uploads.</summary>
internal sealed partial class CtrlTestClient : IAsyncDisposable
{
    public const string AdminLine = "\"admin\"\t\"160006170011\"\n"; // admin / "secret" (XMCrypt)

    private CtrlTestClient(LineClient lines, string banner)
    {
        Lines = lines;
        Banner = banner;
    }

    public LineClient Lines { get; }
    public string Banner { get; }

    /// <summary>The &lt;...&gt; timestamp of the banner, used by MD5 logins.</summary>
    public string Timestamp => BannerTimestamp().Match(Banner).Value;

    [GeneratedRegex(@"<\d+\.\d+@[^>]+>")]
    private static partial Regex BannerTimestamp();

    public static async Task<CtrlTestClient> ConnectAsync(TestServer server, string service = "CTRL")
    {
        var lines = await LineClient.ConnectAsync(server.Port(service));
        var banner = await lines.ReadLineAsync() ?? throw new IOException("no banner");
        return new CtrlTestClient(lines, banner);
    }

    /// <summary>Connects and logs in as admin/secret (clear text).</summary>
    public static async Task<CtrlTestClient> LoginAsync(TestServer server)
    {
        var c = await ConnectAsync(server);
        Assert.Equal("+00000 OK", await c.CommandAsync("admin", "secret"));
        return c;
    }

    public static string Md5Login(string timestamp, string password) => "#" + Md5Hex.Of(timestamp + password);

    public static string Line(params string[] tokens) => string.Join("\t", tokens.Select(t => "\"" + t + "\""));

    /// <summary>Sends a command and returns the RESSTRING line.</summary>
    public async Task<string?> CommandAsync(params string[] tokens)
    {
        await Lines.SendLineAsync(Line(tokens));
        return await Lines.ReadLineAsync();
    }

    /// <summary>Sends a command that should answer a "+00100" list and returns the lines before ".".</summary>
    public async Task<List<string>> ListAsync(params string[] tokens)
    {
        var reply = await CommandAsync(tokens);
        Assert.Equal("+00100 OK", reply);
        return await Lines.ReadDotListAsync();
    }

    /// <summary>A command answering "+00101", then the upload lines (already dot-stuffed by the caller), ".", and the final RESSTRING.</summary>
    public async Task<string?> UploadAsync(string[] tokens, params string[] lines)
    {
        Assert.Equal("+00101 OK", await CommandAsync(tokens));
        foreach (var l in lines) await Lines.SendLineAsync(l);
        await Lines.SendLineAsync(".");
        return await Lines.ReadLineAsync();
    }


    public async ValueTask DisposeAsync() => await Lines.DisposeAsync();
}
