using System.Text;
using XMail.Fast.Core.Mailbox;
using XMail.Fast.Core.Spool;

namespace XMail.Fast.Tests.Core;

/// <summary>How new spool and Maildir files are written: what a reader finds in them afterwards.</summary>
public class NewFileWritingTests
{
    [Fact]
    public Task A_draft_closed_for_a_filter_keeps_the_filters_content_and_appends_what_follows() => WithDraft(async (writer, draft) =>
    {
        draft.WriteText("header\r\n");
        draft.Close();
        draft.Close(); // a second close changes nothing
        Assert.Equal("header\r\n", File.ReadAllText(draft.TempPath));

        File.WriteAllText(draft.TempPath, "rewritten by a filter\r\n"); // a post-data filter rewrote it
        draft.WriteText("more\r\n");
        var committed = await draft.CommitAsync();

        Assert.Equal("rewritten by a filter\r\nmore\r\n", File.ReadAllText(writer.Layout.PathOf(committed, "mess")));
        Assert.False(File.Exists(draft.TempPath));
    });

    [Fact]
    public Task A_draft_committed_right_after_close_holds_exactly_what_was_written() => WithDraft(async (writer, draft) =>
    {
        draft.WriteText("line one\r\n");
        draft.AsStream().Write("line two\r\n"u8);
        draft.Close();
        var committed = await draft.CommitAsync();
        Assert.Equal("line one\r\nline two\r\n", File.ReadAllText(writer.Layout.PathOf(committed, "mess")));
    });

    private static async Task WithDraft(Func<SpoolWriter, SpoolDraft, Task> test)
    {
        var dir = Directory.CreateTempSubdirectory("xmf-draft").FullName;
        try
        {
            using var writer = new SpoolWriter(new SpoolLayout(Path.Combine(dir, "spool"), 2));
            using var draft = writer.Create();
            await test(writer, draft);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task A_maildir_write_replaces_the_tmp_leftover_of_a_crashed_pass_under_the_same_name()
    {
        var dir = Directory.CreateTempSubdirectory("xmf-maildir").FullName;
        try
        {
            var maildir = Path.Combine(dir, "Maildir");
            MaildirWriter.Ensure(maildir);
            const string name = "1795577524503.62f6e31d.214d.502.vm";
            File.WriteAllText(Path.Combine(maildir, "tmp", name), "half a message from before the crash, longer than the new one");

            var path = await MaildirWriter.WriteAsync(maildir, s => s.Write(Encoding.ASCII.GetBytes("whole message\r\n")), name: name);

            Assert.Equal(Path.Combine(maildir, "new", name), path);
            Assert.Equal("whole message\r\n", File.ReadAllText(path));
            Assert.Empty(Directory.GetFiles(Path.Combine(maildir, "tmp")));
        }
        finally { Directory.Delete(dir, true); }
    }
}

public class SpoolLevelChoiceTests
{
    [Fact]
    public void Messages_of_one_second_share_a_level_pair_and_every_pair_takes_its_turn()
    {
        var layout = new SpoolLayout("/nonexistent/spool", 23);
        Assert.Equal(layout.LevelsAt(1_000), layout.LevelsAt(1_000));
        var seen = new HashSet<(int, int)>();
        for (long s = 5_000; s < 5_000 + 23 * 23; s++)
        {
            var (l0, l1) = layout.LevelsAt(s);
            Assert.InRange(l0, 0, 22);
            Assert.InRange(l1, 0, 22);
            Assert.True(seen.Add((l0, l1)), $"pair {l0}/{l1} came round again within {23 * 23} seconds");
        }
        Assert.Equal(23 * 23, seen.Count);
        var now = layout.PickLevels();
        Assert.InRange(now.L0, 0, 22);
    }
}
