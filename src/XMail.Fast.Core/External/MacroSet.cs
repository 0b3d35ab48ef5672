using System.Text;

namespace XMail.Fast.Core.External;

/// <summary>
/// The named values of one external program run and "MACRO SUBSTITUTION": a field that is exactly "@@NAME" becomes
/// the value, and "$(NAME)" is replaced anywhere in a field. Names are case-insensitive; an unknown macro is left as
/// written, so a literal "$(X)" survives. A value may be computed on first use (TMPFILE copies the message only when
/// a command asks for it). Filters, mailproc/custdomains/cmdaliases commands, SMTP filters, external user
/// authentication and SMTPEXTAUTH all fill one of these (see <see cref="FilterMacros"/> for the filter family).
/// </summary>
public sealed class MacroSet
{
    private readonly List<Entry> _entries = new(12);

    private sealed class Entry(string name, string? value, Func<string>? compute)
    {
        private string? _value = value;
        public string Name { get; } = name;
        public string Value => _value ??= compute!();
    }

    public MacroSet Add(string name, string value)
    {
        _entries.Add(new Entry(name, value, null));
        return this;
    }

    /// <summary>A value computed once, the first time a command uses it.</summary>
    public MacroSet AddLazy(string name, Func<string> compute)
    {
        _entries.Add(new Entry(name, null, compute));
        return this;
    }

    public string? Lookup(string name)
    {
        foreach (var e in _entries)
            if (e.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return e.Value;
        return null;
    }

    public string[] Expand(IReadOnlyList<string> fields)
    {
        var result = new string[fields.Count];
        for (int i = 0; i < fields.Count; i++) result[i] = ExpandField(fields[i]);
        return result;
    }

    public string ExpandField(string field)
    {
        if (field.Length > 2 && field.StartsWith("@@", StringComparison.Ordinal) && Lookup(field[2..]) is { } whole) return whole;
        int open = field.IndexOf("$(", StringComparison.Ordinal);
        if (open < 0) return field;
        var sb = new StringBuilder(field.Length + 32);
        int pos = 0;
        while (open >= 0)
        {
            int close = field.IndexOf(')', open + 2);
            if (close < 0) break;
            sb.Append(field, pos, open - pos);
            if (Lookup(field.Substring(open + 2, close - open - 2)) is { } v) sb.Append(v);
            else sb.Append(field, open, close - open + 1);
            pos = close + 1;
            open = field.IndexOf("$(", pos, StringComparison.Ordinal);
        }
        sb.Append(field, pos, field.Length - pos);
        return sb.ToString();
    }
}
