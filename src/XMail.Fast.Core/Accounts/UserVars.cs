using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Accounts;

/// <summary>A user.tab (or userdef.tab) as an ordered list of variables ("USER.TAB VARIABLES").</summary>
public sealed class UserVars
{
    private readonly List<KeyValuePair<string, string>> _vars;

    public UserVars(List<KeyValuePair<string, string>> vars) => _vars = vars;

    public IReadOnlyList<KeyValuePair<string, string>> All => _vars;

    public string? Get(string name)
    {
        foreach (var kv in _vars)
            if (kv.Key.Equals(name, StringComparison.OrdinalIgnoreCase)) return kv.Value;
        return null;
    }

    public int GetInt(string name, int fallback) => int.TryParse(Get(name), out int v) ? v : fallback;
    public long GetLong(string name, long fallback) => long.TryParse(Get(name), out long v) ? v : fallback;
    public bool GetBool(string name, bool fallback) => int.TryParse(Get(name), out int v) ? v != 0 : fallback;

    public string? RealName => Get("RealName");
    public string? HomePage => Get("HomePage");
    /// <summary>MaxMBSize in KB; 0 = unlimited.</summary>
    public long MaxMBSizeKb => GetLong("MaxMBSize", 0);
    public bool ClosedML => GetBool("ClosedML", false);
    public string? ListSender => Get("ListSender") is { Length: > 0 } s ? s : null;
    public string? SmtpPerms => Get("SmtpPerms");
    public bool ReceiveEnable => GetBool("ReceiveEnable", true);
    public bool PopEnable => GetBool("PopEnable", true);
    public bool UseReplyTo => GetBool("UseReplyTo", true);
    /// <summary>MaxMessageSize in KB, or null when the user does not override server.tab.</summary>
    public long? MaxMessageSizeKb => long.TryParse(Get("MaxMessageSize"), out long v) ? v : null;
    public bool? DisableEmitAuthUser => int.TryParse(Get("DisableEmitAuthUser"), out int v) ? v != 0 : null;
    public bool Pop3ScanCur => GetBool("Pop3ScanCur", false);

    public void Set(string name, string value)
    {
        for (int i = 0; i < _vars.Count; i++)
        {
            if (_vars[i].Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                _vars[i] = new(_vars[i].Key, value);
                return;
            }
        }
        _vars.Add(new(name, value));
    }

    public void Remove(string name) => _vars.RemoveAll(kv => kv.Key.Equals(name, StringComparison.OrdinalIgnoreCase));

    public static UserVars Load(string path, ILogger? log = null) =>
        new(TabFile.Records(path, 2, log).Select(l => new KeyValuePair<string, string>(l.Fields![0], l.Fields[1])).ToList());

    public void Save(string path) => TabFile.Write(path, _vars.Select(kv => TabLine.FromFields(kv.Key, kv.Value)));
}
