using XMail.Fast.Core.Config;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Tools.MkUsers;

/// <summary>One input line "domain;username;password;real-name;homepage". Domain and user are lower-cased as the server stores them.</summary>
public sealed record MkUsersEntry(string Domain, string User, string Password, string RealName, string HomePage)
{
    /// <summary>
    /// Parses a line. Returns true with a null entry for comments ('#' first) and blank lines; false with a
    /// reason for lines that cannot become an account (too few fields, unsafe names, unstorable text).
    /// </summary>
    public static bool TryParse(string line, out MkUsersEntry? entry, out string? error)
    {
        entry = null;
        error = null;
        line = line.TrimEnd('\r');
        if (line.Length == 0 || line[0] == '#' || line.AsSpan().IsWhiteSpace()) return true;
        var f = line.Split(';');
        if (f.Length < 5)
        {
            error = $"{f.Length} fields, 5 expected (domain;username;password;real-name;homepage)";
            return false;
        }
        var candidate = new MkUsersEntry(f[0].Trim().ToLowerInvariant(), f[1].Trim().ToLowerInvariant(), f[2], f[3], f[4]);
        error = candidate.Validate();
        if (error is not null) return false;
        entry = candidate;
        return true;
    }

    /// <summary>Null when the entry can be written safely; otherwise why not.</summary>
    public string? Validate()
    {
        if (!IsName(Domain)) return $"invalid domain '{Domain}'";
        if (!IsName(User) || User.Contains('@')) return $"invalid user name '{User}'";
        if (Password.Length == 0) return "empty password";
        if (!TabParser.IsStorable(RealName)) return "real-name contains '\"', TAB, CR or LF";
        if (!TabParser.IsStorable(HomePage)) return "homepage contains '\"', TAB, CR or LF";
        return null;
    }

    private static bool IsName(string name) =>
        MailRoot.IsSafeName(name) && TabParser.IsStorable(name) && !name.Contains(' ');
}
