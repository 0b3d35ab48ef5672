using XMail.Fast.Core.Logging;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>
/// The -Cl log: MailRoot/logs/ctrl-YYYYMMDDHHMM (the shared <see cref="ServiceLog"/>), one TAB line per login and per
/// command: "ip" "user" "time" "event" ["argument"...]. Unlike XMail 1.27, which wrote the login password,
/// passwords are never written: the arguments that carry one are replaced by "***".
/// </summary>
internal sealed class CtrlLog
{
    private readonly ServiceLog _log;
    private readonly TimeProvider _time;

    public CtrlLog(ServiceLog log, TimeProvider time)
    {
        _log = log;
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

    private void Write(string ip, string user, string[] fields) =>
        _log.Write([ip, user, ServiceLog.Timestamp(_time.GetLocalNow()), .. fields]);
}
