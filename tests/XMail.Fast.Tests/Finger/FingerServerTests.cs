using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Finger;

/// <summary>[FINGER] and FINGER.IPMAP.TAB: the finger.query-forms transcript, line for line.</summary>
public class FingerServerTests
{
    private static async Task<List<string>> Query(TestServer s, string query)
    {
        await using var c = await LineClient.ConnectAsync(s.Port("FINGER"));
        await c.SendLineAsync(query);
        var lines = new List<string>();
        while (await c.ReadLineAsync() is { } l) lines.Add(l);
        return lines;
    }

    [Fact]
    public async Task Query_forms_match_the_transcript()
    {
        await using var s = await TestServer.StartAsync();
        Assert.Equal(XMail.Fast.Core.ErrorCode.Success, s.Context.Accounts.AddDomain("finger-query-forms.test"));
        Assert.Equal(XMail.Fast.Core.ErrorCode.Success, s.Context.Accounts.AddUser("finger-query-forms.test", "fq", "pw", 'U'));
        Assert.Equal(["Empty query not allowed"], await Query(s, ""));
        string[] fq = ["EMail       : fq@finger-query-forms.test", "  Real Name : ??", "  Home Page : ??"];
        Assert.Equal(fq, await Query(s, "/W fq@finger-query-forms.test"));
        Assert.Equal(fq, await Query(s, "/w fq@finger-query-forms.test"));
        Assert.Equal(["Invalid query"], await Query(s, "/X fq@finger-query-forms.test"));
        Assert.Equal(["Invalid query"], await Query(s, "fq@finger-query-forms.test@host.kit.test"));
        Assert.Equal(["EMail       : xmailuser@xmailserver.test", "  Real Name : XMail sample user",
                      "  Home Page : http://www.xmailserver.org/davide.html"], await Query(s, "xmailuser"));
        Assert.Equal(["User not found"], await Query(s, "fq"));
        Assert.Equal(["User not found"], await Query(s, "../../etc@xmailserver.test"));
    }

    [Fact]
    public async Task Finger_ipmap_denies_silently()
    {
        await using var s = await TestServer.StartAsync(prepare: r => r.Write("finger.ipmap.tab", "\"0.0.0.0\"\t\"0.0.0.0\"\t\"DENY\"\t1\n"));
        Assert.Empty(await Query(s, "xmailuser"));
    }
}
