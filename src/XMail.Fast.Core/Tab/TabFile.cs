using System.Text;
using Microsoft.Extensions.Logging;

namespace XMail.Fast.Core.Tab;

/// <summary>
/// Reads and atomically rewrites TAB files. Files are decoded as Latin-1 so every byte survives
/// a read/modify/write cycle unchanged; LF and CRLF line ends are both accepted.
/// </summary>
public static class TabFile
{
    public static readonly Encoding Bytes = Encoding.Latin1;

    /// <summary>Reads all lines. A missing file reads as empty. Malformed lines are logged with file:line and kept as non-records.</summary>
    public static List<TabLine> Read(string path, ILogger? log = null)
    {
        var result = new List<TabLine>();
        string text;
        try
        {
            text = File.ReadAllText(path, Bytes);
        }
        catch (FileNotFoundException) { return result; }
        catch (DirectoryNotFoundException) { return result; }
        return Parse(text, path, log);
    }

    public static List<TabLine> Parse(string text, string sourceName, ILogger? log = null)
    {
        var result = new List<TabLine>();
        if (text.Length == 0) return result; // an empty file has no lines (not one blank line)
        int lineNo = 0;
        int start = 0;
        // Lines end at LF only (XMail's reader); a CR before it is dropped. Other Unicode line breaks are data.
        while (start < text.Length)
        {
            int lf = text.IndexOf('\n', start);
            int end = lf < 0 ? text.Length : lf;
            lineNo++;
            var raw = text.AsSpan(start, end - start).TrimEnd('\r').ToString();
            var kind = TabParser.Parse(raw, out var fields, out var error);
            if (kind == TabParser.LineKind.Malformed)
                log?.LogWarning("{File}:{Line}: malformed TAB line skipped ({Error})", sourceName, lineNo, error);
            result.Add(new TabLine(lineNo, raw, kind == TabParser.LineKind.Record ? fields : null));
            start = end + 1;
        }
        return result;
    }

    /// <summary>Only the records of a file, each with at least <paramref name="minFields"/> fields; shorter ones are logged and skipped.</summary>
    public static IEnumerable<TabLine> Records(string path, int minFields, ILogger? log = null)
    {
        foreach (var line in Read(path, log))
        {
            if (line.Fields is null) continue;
            if (line.Fields.Length < minFields)
            {
                log?.LogWarning("{File}:{Line}: record has {Count} fields, {Min} expected; skipped", path, line.LineNumber, line.Fields.Length, minFields);
                continue;
            }
            yield return line;
        }
    }

    /// <summary>Rewrites the file atomically: temp file in the same folder, fsync, rename over the original.</summary>
    public static void Write(string path, IEnumerable<TabLine> lines) => Write(path, lines.Select(l => l.Raw));

    /// <summary>Rewrites the file atomically, keeping its line-end style (CRLF if its first line had one, else LF).</summary>
    public static void Write(string path, IEnumerable<string> rawLines)
    {
        string eol = UsesCrLf(path) ? "\r\n" : "\n";
        AtomicFile.WriteAllText(path, string.Concat(rawLines.Select(l => l + eol)));
    }

    /// <summary>True when the file's first line ends with CRLF (a table edited on Windows).</summary>
    public static bool UsesCrLf(string path)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            Span<byte> buf = stackalloc byte[4096];
            int n = fs.Read(buf);
            int lf = buf[..n].IndexOf((byte)'\n');
            return lf > 0 && buf[lf - 1] == (byte)'\r';
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
