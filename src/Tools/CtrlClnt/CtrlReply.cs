namespace XMail.Fast.Tools.CtrlClnt;

/// <summary>A CTRL RESSTRING: "+DDDDD text" or "-DDDDD text" ("XMAIL ADMIN PROTOCOL" → Description).</summary>
public readonly record struct CtrlReply(bool IsError, int Code, string Text)
{
    /// <summary>+00100: a listing follows, ended by a line ".".</summary>
    public const int ListFollows = 100;

    /// <summary>+00101: the server waits for lines from us, ended by a line ".".</summary>
    public const int WaitData = 101;

    /// <summary>Parses a reply line; false when it is not '+'/'-', digits and a space, as XMail's CtrlClnt checks.</summary>
    public static bool TryParse(string line, out CtrlReply reply)
    {
        reply = default;
        if (line.Length < 2 || (line[0] != '+' && line[0] != '-')) return false;
        int i = 1, code = 0;
        while (i < line.Length && char.IsAsciiDigit(line[i]))
        {
            if (code < 100_000_000) code = code * 10 + (line[i] - '0');
            i++;
        }
        if (i == 1 || i >= line.Length || line[i] != ' ') return false;
        while (i < line.Length && line[i] == ' ') i++;
        reply = new CtrlReply(line[0] == '-', code, line[i..]);
        return true;
    }

    /// <summary>The "&lt;timestamp&gt;" of a greeting, brackets included, as the MD5 login hashes it; null when absent.</summary>
    public string? TimeStamp
    {
        get
        {
            int open = Text.IndexOf('<');
            if (open < 0) return null;
            int close = Text.IndexOf('>', open + 1);
            return close < 0 ? null : Text[open..(close + 1)];
        }
    }
}
