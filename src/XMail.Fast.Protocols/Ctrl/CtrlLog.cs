using System.Globalization;
using System.Text;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>
/// The -Cl log: MailRoot/logs/ctrl-YYYYMMDDHHMM (a new file every -Mr hours), one TAB line per login and per
/// command: "ip" "user" "time" "event" ["argument"...]. Unlike XMail 1.27, which wrote the login password,
/// passwords are never written: the arguments that carry one are replaced by "***".
/// </summary>
internal sealed class CtrlLog
{
    private readonly MailRoot _root;
    private readonly int _rotateHours;
    private readonly TimeProvider _time;
    private readonly object _gate = new();

    public CtrlLog(MailRoot root, int rotateHours, TimeProvider time)
    {
        _root = root;
        _rotateHours = Math.Max(1, rotateHours);
        _time = time;
    }

    /// <summary>Argument positions (0 = command name) that hold passwords, per command.</summary>
    private static readonly Dictionary<string, int> SecretIndex = new(StringComparer.OrdinalIgnoreCase)
    {
        ["useradd"] = 3, ["userpasswd"] = 3, ["userauth"] = 3, ["poplnkadd"] = 5,
    };

    public void Login(string ip, string user, string status) => Write(ip, user, [status]);

    public void Command(string ip, string user, string[] tokens)
    {
        var shown = (string[])tokens.Clone();
        if (tokens.Length > 0 && SecretIndex.TryGetValue(tokens[0], out int i) && i < shown.Length) shown[i] = "***";
        Write(ip, user, shown);
    }

    private void Write(string ip, string user, string[] fields)
    {
        var now = _time.GetLocalNow();
        var sb = new StringBuilder(128);
        sb.Append('"').Append(ip).Append("\"\t\"").Append(Clean(user)).Append("\"\t\"")
          .Append(now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append('"');
        foreach (var f in fields) sb.Append("\t\"").Append(Clean(f)).Append('"');
        sb.Append('\n');
        var slot = now.Date.AddHours(now.Hour / _rotateHours * _rotateHours);
        var path = Path.Combine(_root.LogsDir, "ctrl-" + slot.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture));
        lock (_gate)
        {
            Directory.CreateDirectory(_root.LogsDir);
            File.AppendAllText(path, sb.ToString(), Encoding.Latin1);
        }
    }

    // A log line is one line of TAB fields whatever the peer sent.
    private static string Clean(string s) => s.IndexOfAny(['"', '\t', '\r', '\n']) < 0 ? s : s.Replace('"', '\'').Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
}
