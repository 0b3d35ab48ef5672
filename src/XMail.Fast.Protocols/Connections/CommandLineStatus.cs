namespace XMail.Fast.Protocols.Connections;

/// <summary>What <see cref="CommandLineScanner.TryRead"/> found in the buffer.</summary>
public enum CommandLineStatus : byte
{
    /// <summary>No whole line yet: read more (an over-long line's bytes so far were consumed).</summary>
    NeedMore,
    /// <summary>A whole line within the limit (terminator removed).</summary>
    Line,
    /// <summary>An over-long line, now consumed through its LF; reported once.</summary>
    TooLong,
}
