namespace XMail.Fast.Core.Spool;

/// <summary>Where <see cref="SpoolHeaderWriter"/> puts header text: a spool draft, or a string for a header built in memory.</summary>
public interface ISpoolTextWriter
{
    /// <summary>Writes text as Latin-1 (every char one byte, as TAB files and headers keep their bytes).</summary>
    void WriteText(ReadOnlySpan<char> text);
}
