using System.Text;

namespace XMail.Fast.Core.Tab;

/// <summary>
/// The XMail TAB line grammar: <c>"v1"[TAB]"v2"...</c>. Fields are normally quoted; bare fields
/// (numbers such as ids and precedences) are accepted as XMail writes them. Inside quotes a field
/// runs to the next quote, as in XMail 1.27 (a value cannot contain a double quote).
/// </summary>
public static class TabParser
{
    private const char Quote = '"';
    private const char Tab = '\t';

    /// <summary>Why a line is not a record.</summary>
    public enum LineKind { Record, Comment, Blank, Malformed }

    /// <summary>Parses one line (without terminator). Returns the kind; fields only for records.</summary>
    public static LineKind Parse(string line, out string[]? fields, out string? error)
    {
        fields = null;
        error = null;
        var span = line.AsSpan().TrimEnd('\r');
        int start = 0;
        while (start < span.Length && (span[start] == ' ' || span[start] == Tab)) start++;
        if (start == span.Length) return LineKind.Blank;
        if (span[start] == '#') return LineKind.Comment;

        var list = new List<string>(8);
        int i = start;
        while (i < span.Length)
        {
            char c = span[i];
            if (c == Tab || c == ' ') { i++; continue; }
            if (c == Quote)
            {
                int end = span[(i + 1)..].IndexOf(Quote);
                if (end < 0)
                {
                    error = $"unterminated quoted field at column {i + 1}";
                    return LineKind.Malformed;
                }
                list.Add(span.Slice(i + 1, end).ToString());
                i += end + 2;
                // Anything up to the next TAB belongs to the quoted field's tail (XMail drops it).
                while (i < span.Length && span[i] != Tab) i++;
            }
            else
            {
                int end = span[i..].IndexOf(Tab);
                if (end < 0) end = span.Length - i;
                list.Add(span.Slice(i, end).TrimEnd(' ').ToString());
                i += end;
            }
        }
        fields = list.ToArray();
        return LineKind.Record;
    }

    /// <summary>Formats fields as one TAB line, every field quoted.</summary>
    public static string Format(IReadOnlyList<string> fields) => Format(fields, ReadOnlySpan<int>.Empty);

    public static string Format(IReadOnlyList<string> fields, ReadOnlySpan<int> unquoted)
    {
        var sb = new StringBuilder(64);
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0) sb.Append(Tab);
            if (unquoted.Contains(i)) sb.Append(fields[i]);
            else sb.Append(Quote).Append(fields[i]).Append(Quote);
        }
        return sb.ToString();
    }

    /// <summary>True when the value can be stored in a quoted TAB field without corrupting the line.</summary>
    public static bool IsStorable(ReadOnlySpan<char> value) =>
        value.IndexOfAny("\"\t\r\n") < 0;
}
