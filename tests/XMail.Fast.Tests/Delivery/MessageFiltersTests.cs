using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Delivery.DeliveryKit;

namespace XMail.Fast.Tests.Delivery;

/// <summary>"MESSAGE FILTERS": FILTERS.IN.TAB selection, exit codes 4/5/6/7 and +16, flags.</summary>
public class MessageFiltersTests
{
    private static async Task<TestServer> StartWithFilter(string body, string flags = "", string rcpt = "*@xmailserver.test")
    {
        var s = await TestServer.StartAsync(prepare: root =>
        {
            File.AppendAllText(root.File("filters.in.tab"), "\"*\"\t\"" + rcpt + "\"\t\"0.0.0.0/0\"\t\"0.0.0.0/0\"\t\"f.tab\"\n");
        });
        var script = Script(s, "filter.sh", body);
        s.Root.Write("filters/f.tab", (flags.Length > 0 ? $"\"{flags}\"\t" : "") + $"\"{script}\"\t\"$(FILE)\"\t\"$(RRCPT)\"\n");
        return s;
    }

    [Fact]
    public async Task Exit_7_delivers_the_modified_message()
    {
        await using var s = await StartWithFilter("sed -i 's/Subject: before/Subject: after/' \"$1\"; exit 7");
        await SubmitAsync(s, "a@example.org", ["xmailuser@xmailserver.test"], "Subject: before\r\n\r\nx\r\n");
        var files = await WaitForMailAsync(UserDir(s, Domain, "xmailuser"));
        Assert.Contains("Subject: after\n", Read(files[0]));
    }

    [Theory]
    [InlineData(4, false, false)]
    [InlineData(5, false, true)]
    [InlineData(6, true, true)]
    [InlineData(22, true, true)]
    public async Task Rejection_codes_decide_notification_and_freezing(int code, bool notify, bool frozen)
    {
        await using var s = await StartWithFilter($"exit {code}", rcpt: "victim@*");
        File.AppendAllText(s.Root.File("server.tab"), "");
        var target = AddUser(s, "victim");
        var r = await SubmitAsync(s, "xmailuser@xmailserver.test", ["victim@xmailserver.test"], "Subject: bad\r\n\r\nx\r\n");
        var froz = Path.Combine(s.Root.Path, "spool", r.Level0.ToString(), r.Level1.ToString(), "froz", r.Name);
        Assert.True(await TestServer.WaitUntilAsync(() => StateFiles(s, "mess").Length == 0 && StateFiles(s, "lock").Length == 0 &&
                                                         (!notify || NewMail(UserDir(s, Domain, "xmailuser")).Length > 0)));
        Assert.Empty(NewMail(target));
        Assert.Equal(frozen, File.Exists(froz));
        if (!notify) Assert.Empty(NewMail(UserDir(s, Domain, "xmailuser")));
    }

    [Fact]
    public async Task Aex_flag_skips_the_filter_for_authenticated_senders()
    {
        await using var s = await StartWithFilter("exit 4", "!aex");
        var r = DeliveryKit.Place(s.Root.Path, SpoolText("a@example.org", ["xmailuser@xmailserver.test"], "Subject: auth\r\n\r\nx\r\n")
            .Replace("MAIL FROM:<a@example.org>", "MAIL FROM:<a@example.org> AUTH=xmailuser@xmailserver.test"));
        await s.Context.Queue.EnqueueAsync(r);
        await WaitForMailAsync(UserDir(s, Domain, "xmailuser"));
    }

    [Fact]
    public async Task Filter_log_records_each_run_with_Qg()
    {
        await using var s = await TestServer.StartAsync(o => o.FilterLog = true, root =>
            File.AppendAllText(root.File("filters.in.tab"), "\"*\"\t\"*\"\t\"0.0.0.0/0\"\t\"0.0.0.0/0\"\t\"f.tab\"\n"));
        var script = Script(s, "ok.sh", "exit 0");
        s.Root.Write("filters/f.tab", $"\"{script}\"\t\"$(FILE)\"\n");
        await SubmitAsync(s, "a@example.org", ["xmailuser@xmailserver.test"], "Subject: logged\r\n\r\nx\r\n");
        await WaitForMailAsync(UserDir(s, Domain, "xmailuser"));
        var log = Directory.GetFiles(Path.Combine(s.Root.Path, "logs"), "filters-*").Single();
        Assert.Contains(script, File.ReadAllText(log));
    }

    /// <summary>timeo=0 is a timeout of 0, "nowait" in the spec: the filter starts, its exit code decides nothing.</summary>
    [Fact]
    public async Task Timeo_0_starts_the_filter_without_waiting_so_it_cannot_reject()
    {
        await using var s = await StartWithFilter("exit 4", "!timeo=0");
        await SubmitAsync(s, "a@example.org", ["xmailuser@xmailserver.test"], "Subject: not waited for\r\n\r\nx\r\n");
        await WaitForMailAsync(UserDir(s, Domain, "xmailuser"));
    }
}
