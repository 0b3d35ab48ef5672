namespace XMail.Fast.Protocols.Connections;

/// <summary>What <see cref="CommandReader.ReadLineAsync()"/> got from the peer.</summary>
public enum CommandRead : byte
{
    /// <summary>A command line, in <see cref="CommandReader.Line"/>.</summary>
    Line,
    /// <summary>A line over the limit, discarded through its LF: answer once and go on.</summary>
    TooLong,
    /// <summary>The peer closed the connection.</summary>
    Closed,
}
