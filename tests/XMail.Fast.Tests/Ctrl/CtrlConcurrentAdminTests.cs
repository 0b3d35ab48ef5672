using XMail.Fast.Core.Accounts;

namespace XMail.Fast.Tests.Ctrl;

/// <summary>"XMAIL ADMIN PROTOCOL" under concurrent admin sessions: appends from parallel connections never lose or duplicate a record.</summary>
public sealed class CtrlConcurrentAdminTests
{
    [Fact]
    public async Task Parallel_sessions_add_users_and_aliases_each_exactly_once_with_unique_ids()
    {
        await using var s = await CtrlServer.StartAsync();
        const int Sessions = 8, PerSession = 15;
        await Task.WhenAll(Enumerable.Range(0, Sessions).Select(async k =>
        {
            await using var c = await CtrlTestClient.LoginAsync(s);
            for (int i = 0; i < PerSession; i++)
            {
                Assert.Equal("+00000 OK", await c.CommandAsync("useradd", "xmailserver.test", $"s{k}u{i}", "pw", "U"));
                Assert.Equal("+00000 OK", await c.CommandAsync("aliasadd", "xmailserver.test", $"s{k}a{i}", $"s{k}u{i}"));
                // Racing sessions add the same shared names: exactly one wins each.
                var shared = await c.CommandAsync("useradd", "xmailserver.test", $"shared{i}", "pw", "U");
                Assert.True(shared == "+00000 OK" || shared!.StartsWith("-00013 "), shared);
            }
        }));
        var users = UserTable.Load(s.Root.File("mailusers.tab"), (Microsoft.Extensions.Logging.ILogger?)null).Users;
        var names = users.Select(u => u.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(users.Count, users.Select(u => u.Id).Distinct().Count());
        for (int k = 0; k < Sessions; k++)
            for (int i = 0; i < PerSession; i++) Assert.Contains($"s{k}u{i}", names);
        for (int i = 0; i < PerSession; i++) Assert.Contains($"shared{i}", names);
        var lines = File.ReadAllLines(s.Root.File("mailusers.tab")).Where(l => l.Length > 0 && l[0] != '#').ToList();
        Assert.All(lines, l => Assert.Equal(6, l.Split('\t').Length));
        Assert.Equal(users.Count, lines.Count);
        var aliases = AliasTable.Load(s.Root.File("aliases.tab"), (Microsoft.Extensions.Logging.ILogger?)null).All;
        Assert.Equal(Sessions * PerSession, aliases.Count(a => a.Alias.StartsWith('s') && a.Alias.Contains('a')));
        await using var check = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("+00000 OK", await check.CommandAsync("userauth", "xmailserver.test", "s7u14", "pw"));
    }
}
