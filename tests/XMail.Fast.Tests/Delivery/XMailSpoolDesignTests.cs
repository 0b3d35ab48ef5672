using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Delivery.DeliveryKit;

namespace XMail.Fast.Tests.Delivery;

/// <summary>"XMAIL SPOOL DESIGN" and observed "delivery.headers": committed spool files reach the mailbox once.</summary>
public class XMailSpoolDesignTests
{
    [Fact]
    public async Task Local_delivery_prepends_return_path_and_delivered_to_exactly_as_observed()
    {
        await using var s = await TestServer.StartAsync();
        var dir = AddUser(s, "dh", "delivery-headers.test");
        var message =
            "Received: from kit.test ([127.0.0.1]:36464)\r\n\tby xmailserver.test with [XMail.Fast 1.0.0 ESMTP Server]\r\n\tid <S5C> for <dh@delivery-headers.test> from <sender@example.org>;\r\n\tTue, 24 Nov 2026 15:44:30 -0000\r\n" +
            "From: Sender <sender@example.org>\r\nTo: dh@delivery-headers.test\r\nSubject: headers\r\nMessage-ID: <kit-1@example.org>\r\n\r\nbody\r\n";
        var r = await SubmitAsync(s, "sender@example.org", ["dh@delivery-headers.test"], message, "S5C");

        var files = await WaitForMailAsync(dir);
        Assert.Single(files);
        Assert.Equal(
            "Return-Path: <sender@example.org>\nDelivered-To: dh@delivery-headers.test\n" +
            "Received: from kit.test ([127.0.0.1]:36464)\r\n\tby xmailserver.test with [XMail.Fast 1.0.0 ESMTP Server]\r\n\tid <S5C> for <dh@delivery-headers.test> from <sender@example.org>;\r\n\tTue, 24 Nov 2026 15:44:30 -0000\n" +
            "From: Sender <sender@example.org>\nTo: dh@delivery-headers.test\nSubject: headers\nMessage-ID: <kit-1@example.org>\n\nbody\r\n",
            Read(files[0]));
        Assert.Matches(@"^\d{13}\.[0-9a-f]+\.[0-9a-f]+\.\d+\.[A-Za-z0-9_-]+$", Path.GetFileName(files[0]));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "Maildir", "tmp")));
        Assert.True(Directory.Exists(Path.Combine(dir, "Maildir", "cur")));
        // The spool file and its state files are gone once delivered.
        Assert.True(await TestServer.WaitUntilAsync(() => StateFiles(s, "mess").Length == 0 && StateFiles(s, "lock").Length == 0 && StateFiles(s, "mprc").Length == 0));
    }

    [Fact]
    public async Task Restart_recovers_mess_and_due_rsnd_clears_stale_locks_and_discards_half_written_temp_files()
    {
        string lockPath = "", tempPath = "";
        SpoolRefHolder held = new();
        await using var s = await TestServer.StartAsync(prepare: root =>
        {
            var msg = "Subject: recovered\r\n\r\nbody\r\n";
            held.Mess = Place(root.Path, SpoolText("a@example.org", ["xmailuser@xmailserver.test"], msg, "S1"), "mess", 1, 2);
            held.Rsnd = Place(root.Path, SpoolText("b@example.org", ["xmailuser@xmailserver.test"], msg, "S2"), "rsnd", 5, 6);
            // A stale lock (crash while processing) must not block the message.
            lockPath = Path.Combine(root.Path, "spool", "1", "2", "lock", held.Mess.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
            File.WriteAllText(lockPath, "");
            tempPath = Path.Combine(root.Path, "spool", "7", "7", "temp", "half-written");
            Directory.CreateDirectory(Path.GetDirectoryName(tempPath)!);
            File.WriteAllText(tempPath, "[127.0.0.1]:1;");
            // Left by the crashed run (files written after the start may be the SMTP server's, in flight).
            File.SetLastWriteTimeUtc(tempPath, DateTime.UtcNow.AddMinutes(-5));
        });
        var dir = UserDir(s, Domain, "xmailuser");
        var files = await WaitForMailAsync(dir, 2);
        Assert.Equal(2, files.Length);
        Assert.Contains(files, f => Read(f).StartsWith("Return-Path: <a@example.org>\n"));
        Assert.Contains(files, f => Read(f).StartsWith("Return-Path: <b@example.org>\n"));
        Assert.False(File.Exists(tempPath));
        Assert.True(await TestServer.WaitUntilAsync(() => !File.Exists(lockPath) && StateFiles(s, "rsnd").Length == 0));
    }

    [Fact]
    public async Task A_recipient_already_done_in_an_earlier_pass_is_not_delivered_again()
    {
        await using var s = await TestServer.StartAsync(prepare: root =>
        {
            var r = Place(root.Path, SpoolText("a@example.org", ["xmailuser@xmailserver.test", "root@xmailserver.test"], "Subject: once\r\n\r\nx\r\n"), "mess", 2, 2);
            // mprc/ says the first RCPT was delivered before the crash.
            var mprc = Path.Combine(root.Path, "spool", "2", "2", "mprc");
            Directory.CreateDirectory(mprc);
            File.WriteAllText(Path.Combine(mprc, r.Name), "xmailuser@xmailserver.test|mbox|xmailuser@xmailserver.test\n");
        });
        var dir = UserDir(s, Domain, "xmailuser");
        var files = await WaitForMailAsync(dir, 1);
        Assert.True(await TestServer.WaitUntilAsync(() => StateFiles(s, "mess").Length == 0));
        files = NewMail(dir);
        Assert.Single(files);
        // The alias root -> xmailuser is a separate RCPT, so it is the one delivered now.
        Assert.Contains("Delivered-To: xmailuser@xmailserver.test\n", Read(files[0]));
    }

    [Fact]
    public async Task A_message_stored_by_a_pass_that_crashed_before_leaving_the_spool_is_not_stored_again()
    {
        string stored = "";
        await using var s = await TestServer.StartAsync(prepare: root =>
        {
            var r = Place(root.Path, SpoolText("a@example.org", ["xmailuser@xmailserver.test"], "Subject: crashed\r\n\r\nx\r\n"), "mess", 4, 4);
            // The crashed pass had committed the mailbox file (its name derives from the spool name and the target)
            // but had not removed the spool file, and wrote nothing else.
            var name = XMail.Fast.Core.Mailbox.MailboxFileName.For(r.Name, "xmailuser@xmailserver.test|mbox|xmailuser@xmailserver.test");
            var newDir = Path.Combine(root.Path, "domains", Domain, "xmailuser", "Maildir", "new");
            Directory.CreateDirectory(newDir);
            stored = Path.Combine(newDir, name);
            File.WriteAllText(stored, "Return-Path: <a@example.org>\nDelivered-To: xmailuser@xmailserver.test\nSubject: crashed\n\nx\r\n");
        });
        Assert.True(await TestServer.WaitUntilAsync(() => StateFiles(s, "mess").Length == 0));
        var files = NewMail(UserDir(s, Domain, "xmailuser"));
        Assert.Equal([stored], files);
    }

    [Fact]
    public async Task Recovery_keeps_temp_files_written_since_the_start_because_the_SMTP_server_may_be_writing_them()
    {
        string fresh = "";
        await using var s = await TestServer.StartAsync(prepare: root =>
        {
            Place(root.Path, SpoolText("a@example.org", ["xmailuser@xmailserver.test"], "Subject: recovered\r\n\r\nx\r\n"), "mess", 6, 6);
            fresh = Path.Combine(root.Path, "spool", "6", "7", "temp", "in-flight");
            Directory.CreateDirectory(Path.GetDirectoryName(fresh)!);
            File.WriteAllText(fresh, "[127.0.0.1]:1;");
            File.SetLastWriteTimeUtc(fresh, DateTime.UtcNow.AddMinutes(1)); // as if written after recovery began
        });
        // The recovered message is delivered only after the recovery scan, so the scan is over by then.
        await WaitForMailAsync(UserDir(s, Domain, "xmailuser"), 1);
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public async Task A_Maildir_whose_new_folder_is_missing_gets_it_made_at_the_first_delivery()
    {
        // A concurrent first delivery may have made Maildir/tmp but not yet new/: the rename must not fail.
        await using var s = await TestServer.StartAsync(prepare: root =>
        {
            var maildir = Path.Combine(root.Path, "domains", Domain, "xmailuser", "Maildir");
            if (Directory.Exists(maildir)) Directory.Delete(maildir, true);
            Directory.CreateDirectory(Path.Combine(maildir, "tmp"));
        });
        await SubmitAsync(s, "a@example.org", ["xmailuser@xmailserver.test"], "Subject: first\r\n\r\nx\r\n");
        var files = await WaitForMailAsync(UserDir(s, Domain, "xmailuser"), 1);
        Assert.Single(files);
        Assert.Empty(StateFiles(s, "rsnd"));
        Assert.Empty(StateFiles(s, "slog"));
    }

    [Fact]
    public void Mailbox_file_names_derive_from_the_spool_name_and_the_target_in_XMail_form()
    {
        const string spool = "1795535070265.7f554bfff6c0.41ba.115.vm";
        var a = XMail.Fast.Core.Mailbox.MailboxFileName.For(spool, "a@x|mbox|a@x");
        Assert.Equal(a, XMail.Fast.Core.Mailbox.MailboxFileName.For(spool, "A@X|mbox|a@x")); // keys compare case-insensitively
        Assert.NotEqual(a, XMail.Fast.Core.Mailbox.MailboxFileName.For(spool, "b@x|mbox|b@x"));
        Assert.NotEqual(a, XMail.Fast.Core.Mailbox.MailboxFileName.For("1795535070265.7f554bfff6c0.41ba.116.vm", "a@x|mbox|a@x"));
        Assert.Matches(@"^1795535070265\.[0-9a-f]{8}\.41ba\.115\.vm$", a);
    }

    [Fact]
    public async Task Unknown_user_is_frozen_with_a_log_and_the_sender_gets_a_bounce()
    {
        await using var s = await TestServer.StartAsync();
        var r = await SubmitAsync(s, "xmailuser@xmailserver.test", ["nobody@xmailserver.test"], "Subject: lost\r\n\r\nbody line 1\r\n", "S9");
        var dir = UserDir(s, Domain, "xmailuser");
        // The sender is local: the bounce lands in its mailbox (and ErrorsAdmin root is the same account: one copy).
        var files = await WaitForMailAsync(dir, 1);
        var bounce = Read(files[0]);
        Assert.Contains("Return-Path: <root@xmailserver.test>\n", bounce);
        Assert.Contains("Rcpt=[nobody@xmailserver.test]", bounce);
        Assert.Contains("550 Mailbox unavailable", bounce);
        Assert.Contains("Subject: lost", bounce);
        var froz = Path.Combine(s.Root.Path, "spool", r.Level0.ToString(), r.Level1.ToString(), "froz", r.Name);
        Assert.True(await TestServer.WaitUntilAsync(() => File.Exists(froz)));
        var log = Read(Path.Combine(s.Root.Path, "spool", r.Level0.ToString(), r.Level1.ToString(), "slog", r.Name));
        Assert.Matches(@"^\[PeekTime\] \d+ : \w{3}, \d+ \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\r\n<<\r\n", log);
        Assert.Contains("SMTP-Error = \"550 Mailbox unavailable <nobody@xmailserver.test>\"", log);
    }

    [Fact]
    public async Task Remote_recipient_with_a_temporary_failure_waits_in_rsnd_with_tries_and_log()
    {
        // smtpfwd.tab sends remote.example to a loopback port nobody listens on: connection refused = temporary.
        await using var s = await TestServer.StartAsync(o => o.SmailRetryTimeoutSeconds = 3600,
            prepare: root => root.Write("smtpfwd.tab", "\"remote.example\"\t\"127.0.0.1:1\"\n"));
        var r = await SubmitAsync(s, "a@example.org", ["someone@remote.example"], "Subject: far\r\n\r\nx\r\n");
        var rsnd = Path.Combine(s.Root.Path, "spool", r.Level0.ToString(), r.Level1.ToString(), "rsnd", r.Name);
        Assert.True(await TestServer.WaitUntilAsync(() => File.Exists(rsnd) && StateFiles(s, "lock").Length == 0));
        var info = File.ReadAllText(Path.Combine(s.Root.Path, "spool", r.Level0.ToString(), r.Level1.ToString(), "info", r.Name)).Split('\t');
        Assert.Equal("1", info[0]);
        Assert.InRange(long.Parse(info[1]) - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 3500, 3601);
        var log = Read(Path.Combine(s.Root.Path, "spool", r.Level0.ToString(), r.Level1.ToString(), "slog", r.Name));
        Assert.StartsWith("[PeekTime] ", log);
        Assert.Contains("someone@remote.example", log);
    }

    [Fact]
    public async Task Message_with_more_Received_lines_than_MaxMTAOps_is_frozen_as_observed()
    {
        await using var s = await TestServer.StartAsync();
        var dir = AddUser(s, "fz", "ctrl-frozen-list-get.test");
        var hops = string.Concat(Enumerable.Range(0, 20).Select(i => $"Received: from hop{i}.kit.test by hop{i + 1}.kit.test; Tue, 1 Jan 2030 00:00:00 +0000\r\n"));
        var r = await SubmitAsync(s, "", ["fz@ctrl-frozen-list-get.test"], hops + "Subject: frozen by loop check\r\n\r\nbody\r\n", "S3");
        var froz = Path.Combine(s.Root.Path, "spool", r.Level0.ToString(), r.Level1.ToString(), "froz", r.Name);
        Assert.True(await TestServer.WaitUntilAsync(() => File.Exists(froz)));
        var log = Read(Path.Combine(s.Root.Path, "spool", r.Level0.ToString(), r.Level1.ToString(), "slog", r.Name));
        Assert.Matches(@"^\[PeekTime\] \d+ : [^\r\n]+\r\n<<\r\nErrCode   = -163\r\nErrString = Mail loop detected\r\nMessage <S3> blocked by mail loop check !\r\nSMTP-Error = ""554 Message blocked by mail loop check""\r\n>>\r\n$", log);
        Assert.Empty(NewMail(dir));
    }

    private sealed class SpoolRefHolder
    {
        public XMail.Fast.Core.Spool.SpoolRef Mess;
        public XMail.Fast.Core.Spool.SpoolRef Rsnd;
    }
}
