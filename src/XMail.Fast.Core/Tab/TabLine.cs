namespace XMail.Fast.Core.Tab;

/// <summary>
/// One physical line of a TAB file. <see cref="Raw"/> is kept byte-for-byte (Latin-1 decoded) so
/// rewrites leave comments and untouched records exactly as the administrator wrote them.
/// </summary>
public sealed class TabLine
{
    public TabLine(int lineNumber, string raw, string[]? fields)
    {
        LineNumber = lineNumber;
        Raw = raw;
        Fields = fields;
    }

    /// <summary>1-based line number in the file it was read from (0 for lines built in memory).</summary>
    public int LineNumber { get; }

    /// <summary>The line without its terminator.</summary>
    public string Raw { get; }

    /// <summary>Parsed fields, or null for comments, blank lines and malformed lines.</summary>
    public string[]? Fields { get; }

    public bool IsRecord => Fields is not null;

    public static TabLine FromFields(params string[] fields) => new(0, TabParser.Format(fields), fields);

    /// <summary>Builds a record line where the fields at <paramref name="unquoted"/> positions are written bare (numbers).</summary>
    public static TabLine FromFields(string[] fields, ReadOnlySpan<int> unquoted) => new(0, TabParser.Format(fields, unquoted), fields);
}
