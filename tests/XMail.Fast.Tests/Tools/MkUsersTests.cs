using System.Text;
using XMail.Fast.Core;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;
using XMail.Fast.Tools.MkUsers;

namespace XMail.Fast.Tests.Tools;

/// <summary>"MkUsers": bulk creation of mailusers.tab and the domains/DOMAIN/USER tree.</summary>
public class MkUsersTests
{
    private static (int Code, string Stderr) Run(string input, params string[] args)
    {
        var stderr = new StringWriter();
        int code = MkUsersRunner.Run(args, new MemoryStream(Encoding.Latin1.GetBytes(input)), stderr);
        return (code, stderr.ToString());
    }

    private static string[] Lines(string path) => File.ReadAllText(path, Encoding.Latin1).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private const string List =
        "# domain;username;password;real-name;homepage\n" +
        "home.bogus;dlibenzi;secret;Davide Libenzi;http://www.xmailserver.org\n" +
        "Other.Test;Joe;xmail;Joe Doe;http://joe.example\n";

    [Fact]
    public void Creates_mailusers_tab_in_XMail_format_with_encoded_passwords_and_sequential_ids()
    {
        using var root = new TempDir("mkusers");
        var (code, stderr) = Run(List, "-r", root.Path);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Equal(
            [
                "\"home.bogus\"\t\"dlibenzi\"\t\"160006170011\"\t1\t\"dlibenzi\"\t\"U\"",
                "\"other.test\"\t\"joe\"\t\"1d08040c09\"\t2\t\"joe\"\t\"U\"",
            ],
            Lines(root.Combine("mailusers.tab")));
    }

    [Fact]
    public void Creates_user_tab_and_mailbox_directory_by_default()
    {
        using var root = new TempDir("mkusers");
        Assert.Equal(0, Run(List, "-r", root.Path, "-s", "5000").Code);
        var user = root.Combine("domains", "home.bogus", "dlibenzi");
        Assert.Equal(
            ["\"RealName\"\t\"Davide Libenzi\"", "\"HomePage\"\t\"http://www.xmailserver.org\"", "\"MaxMBSize\"\t\"5000\""],
            Lines(Path.Combine(user, "user.tab")));
        Assert.True(Directory.Exists(Path.Combine(user, "mailbox")));
        Assert.False(Directory.Exists(Path.Combine(user, "Maildir")));
    }

    [Fact]
    public void Minus_m_creates_Maildir_with_tmp_new_cur_and_default_size_is_10000()
    {
        using var root = new TempDir("mkusers");
        Assert.Equal(0, Run(List, "-r", root.Path, "-m").Code);
        var user = root.Combine("domains", "other.test", "joe");
        foreach (var sub in new[] { "tmp", "new", "cur" }) Assert.True(Directory.Exists(Path.Combine(user, "Maildir", sub)), sub);
        Assert.False(Directory.Exists(Path.Combine(user, "mailbox")));
        Assert.Contains("\"MaxMBSize\"\t\"10000\"", Lines(Path.Combine(user, "user.tab")));
    }

    [Fact]
    public void Minus_i_sets_the_first_user_id()
    {
        using var root = new TempDir("mkusers");
        Assert.Equal(0, Run(List, "-r", root.Path, "-i", "100").Code);
        var ids = Lines(root.Combine("mailusers.tab")).Select(l => l.Split('\t')[3]).ToArray();
        Assert.Equal(["100", "101"], ids);
    }

    [Fact]
    public void Refuses_to_overwrite_an_existing_mailusers_tab()
    {
        using var root = new TempDir("mkusers");
        File.WriteAllText(root.Combine("mailusers.tab"), "\"keep\"\t\"me\"\t\"00\"\t1\t\"me\"\t\"U\"\n");
        var (code, stderr) = Run(List, "-r", root.Path);
        Assert.Equal(1, code);
        Assert.Contains("already exist", stderr);
        Assert.Equal("\"keep\"\t\"me\"\t\"00\"\t1\t\"me\"\t\"U\"\n", File.ReadAllText(root.Combine("mailusers.tab")));
        Assert.False(Directory.Exists(root.Combine("domains", "home.bogus")));
    }

    [Fact]
    public void Existing_user_files_and_directories_are_not_overwritten()
    {
        using var root = new TempDir("mkusers");
        var user = root.Combine("domains", "home.bogus", "dlibenzi");
        Directory.CreateDirectory(Path.Combine(user, "mailbox"));
        File.WriteAllText(Path.Combine(user, "mailbox", "msg1"), "kept");
        File.WriteAllText(Path.Combine(user, "user.tab"), "\"RealName\"\t\"Old\"\n");
        Assert.Equal(0, Run(List, "-r", root.Path).Code);
        Assert.Equal("\"RealName\"\t\"Old\"\n", File.ReadAllText(Path.Combine(user, "user.tab")));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(user, "mailbox", "msg1")));
        Assert.Equal(2, Lines(root.Combine("mailusers.tab")).Length);
    }

    [Fact]
    public void Malformed_lines_are_reported_with_their_line_number_and_skipped()
    {
        using var root = new TempDir("mkusers");
        const string input =
            "good.test;a;pa;A;http://a\n" +     // 1
            "good.test;b;pb\n" +                // 2: too few fields
            "\n" +                              // 3: blank, silently skipped
            "good.test;../evil;pc;C;h\n" +       // 4: path escape
            "good.test;d;pd;D \"q\";h\n" +        // 5: quote in real name
            "good.test;a;again;A;h\n" +          // 6: duplicate
            "good.test;e;pe;;\r\n";              // 7: empty real name/homepage are fine, CRLF accepted
        var (code, stderr) = Run(input, "-r", root.Path);
        Assert.Equal(0, code);
        Assert.Contains("stdin:2:", stderr);
        Assert.Contains("stdin:4:", stderr);
        Assert.Contains("stdin:5:", stderr);
        Assert.Contains("stdin:6:", stderr);
        Assert.DoesNotContain("stdin:1:", stderr);
        Assert.DoesNotContain("stdin:3:", stderr);
        Assert.DoesNotContain("stdin:7:", stderr);
        var users = Lines(root.Combine("mailusers.tab")).Select(l => l.Split('\t')[1]).ToArray();
        Assert.Equal(["\"a\"", "\"e\""], users);
        Assert.False(Directory.Exists(root.Combine("domains", "evil")));
        Assert.Equal(["\"RealName\"\t\"\"", "\"HomePage\"\t\"\"", "\"MaxMBSize\"\t\"10000\""], Lines(root.Combine("domains", "good.test", "e", "user.tab")));
    }

    [Fact]
    public void Auto_mode_creates_radix1_to_radixN()
    {
        using var root = new TempDir("mkusers");
        Assert.Equal(0, Run("", "-a", "3", "-d", "perf.test", "-u", "load", "-r", root.Path).Code);
        var lines = Lines(root.Combine("mailusers.tab"));
        Assert.Equal(3, lines.Length);
        Assert.Equal($"\"perf.test\"\t\"load2\"\t\"{XMail.Fast.Core.Security.XMCrypt.Encode("load2")}\"\t2\t\"load2\"\t\"U\"", lines[1]);
        Assert.Contains("\"HomePage\"\t\"http://www.perf.test/~load3\"", Lines(root.Combine("domains", "perf.test", "load3", "user.tab")));
    }

    [Fact]
    public void Reads_the_minus_f_file_and_reports_a_missing_one()
    {
        using var root = new TempDir("mkusers");
        var list = root.Combine("users.txt");
        File.WriteAllText(list, "f.test;u1;p1;U One;h\n");
        Assert.Equal(0, Run("ignored;x;y;z;w\n", "-r", root.Combine("r1"), "-f", list).Code);
        Assert.Single(Lines(root.Combine("r1", "mailusers.tab")));

        var (code, stderr) = Run("", "-r", root.Combine("r2"), "-f", root.Combine("missing.txt"));
        Assert.Equal(2, code);
        Assert.Contains("missing.txt", stderr);
        Assert.False(File.Exists(root.Combine("r2", "mailusers.tab")));
    }

    [Fact]
    public void Usage_help_and_unknown_switches()
    {
        var help = Run("", "-h");
        Assert.Equal(0, help.Code);
        Assert.Contains("-a numusers", help.Stderr);
        var bad = Run("", "-q");
        Assert.Equal(1, bad.Code);
        Assert.Contains("-a numusers", bad.Stderr);
        Assert.Equal(1, Run("", "-i", "0").Code);
    }

    [Fact]
    public void Accounts_created_by_MkUsers_authenticate_through_the_server_account_store()
    {
        using var root = new TempDir("mkusers");
        Assert.Equal(0, Run(List, "-r", root.Path, "-m").Code);
        File.WriteAllText(root.Combine("domains.tab"), "\"home.bogus\"\n\"other.test\"\n");
        var store = new AccountStore(new MailRoot(root.Path));
        Assert.Equal(ErrorCode.Success, store.Authenticate("home.bogus", "dlibenzi", "secret"));
        Assert.Equal(ErrorCode.Success, store.Authenticate("other.test", "joe", "xmail"));
        Assert.NotEqual(ErrorCode.Success, store.Authenticate("other.test", "joe", "wrong"));
    }

    [Fact]
    public void Executable_builds_the_tree_from_stdin()
    {
        using var root = new TempDir("mkusers");
        var r = ToolProcess.Run("MkUsers", ["-r", root.Path, "-m"], Encoding.Latin1.GetBytes(List));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(2, Lines(root.Combine("mailusers.tab")).Length);
        Assert.True(Directory.Exists(root.Combine("domains", "home.bogus", "dlibenzi", "Maildir", "new")));

        var again = ToolProcess.Run("MkUsers", ["-r", root.Path], Encoding.Latin1.GetBytes(List));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exist", again.Stderr);
    }
}
