using System.Globalization;

namespace XMail.Fast.Core.Spool;

/// <summary>
/// info/NAME: the delivery attempts of a message, one line "tries&lt;TAB&gt;next-try-unix-seconds&lt;TAB&gt;first-queued-unix-seconds".
/// Read at start to reschedule rsnd/ messages at their due time; read by CTRL frozlist for the tries count.
/// </summary>
public readonly record struct SpoolInfo(int Tries, long NextTry, long FirstQueued)
{
    public string Format() =>
        string.Create(CultureInfo.InvariantCulture, $"{Tries}\t{NextTry}\t{FirstQueued}\n");

    public static SpoolInfo? Parse(string text)
    {
        var f = text.Trim().Split('\t');
        if (f.Length < 3 || !int.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int tries) ||
            !long.TryParse(f[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long next) ||
            !long.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out long first)) return null;
        return new SpoolInfo(tries, next, first);
    }
}
