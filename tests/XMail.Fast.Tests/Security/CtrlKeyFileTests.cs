using XMail.Fast.Tests.Ctrl;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Security;

/// <summary>
/// CTRL cfgfileget/cfgfileset leave private keys alone unless server.tab's CtrlAllowKeyFiles is 1: a CTRL password
/// alone must not hand out server.key (to impersonate this server) nor plant a key of the attacker's choosing.
/// </summary>
public sealed class CtrlKeyFileTests
{
    private static Task<TestServer> StartAsync(bool allowKeys) => CtrlServer.StartAsync(prepare: root =>
    {
        TestCertificates.WriteTo(root.Path);
        root.Write("tls/backup.pem", File.ReadAllText(root.File("server.key"))); // a key under a name that does not say so
        if (allowKeys) File.AppendAllText(root.File("server.tab"), "\"CtrlAllowKeyFiles\"\t\"1\"\n");
    });

    [Theory]
    [InlineData("server.key")]
    [InlineData("tls/backup.pem")]
    public async Task Cfgfileget_refuses_private_keys(string file)
    {
        await using var s = await StartAsync(allowKeys: false);
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("-00214 Bad relative path", await c.CommandAsync("cfgfileget", file));
        Assert.Equal("+00000 OK", await c.CommandAsync("noop"));
        Assert.Contains(await c.ListAsync("cfgfileget", "server.cert"), l => l.Contains("BEGIN CERTIFICATE")); // the public half is fine
    }

    [Fact]
    public async Task Cfgfileset_refuses_to_replace_a_key_or_to_write_one()
    {
        await using var s = await StartAsync(allowKeys: false);
        var key = s.Root.Read("server.key");
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("-00214 Bad relative path", await c.CommandAsync("cfgfileset", "server.key"));
        Assert.Equal("-00214 Bad relative path", await c.CommandAsync("cfgfileset", "new.key"));
        Assert.Equal("-00214 Bad relative path", await c.UploadAsync(["cfgfileset", "filters/innocent.tab"],
            "-----BEGIN PRIVATE KEY-----", "MIIB", "-----END PRIVATE KEY-----"));
        Assert.Equal(key, s.Root.Read("server.key"));
        Assert.False(File.Exists(s.Root.File("new.key")));
        Assert.False(File.Exists(s.Root.File("filters/innocent.tab")));
        Assert.Equal("+00000 OK", await c.UploadAsync(["cfgfileset", "filters/innocent.tab"], "\"a\"\t\"b\""));
    }

    [Fact]
    public async Task CtrlAllowKeyFiles_1_allows_both()
    {
        await using var s = await StartAsync(allowKeys: true);
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Contains(await c.ListAsync("cfgfileget", "server.key"), l => l.Contains("PRIVATE KEY-----"));
        var key = s.Root.Read("tls/backup.pem").TrimEnd('\n').Split('\n');
        Assert.Equal("+00000 OK", await c.UploadAsync(["cfgfileset", "server.key"], key));
        Assert.Equal(string.Join("\n", key) + "\n", s.Root.Read("server.key"));
    }
}
