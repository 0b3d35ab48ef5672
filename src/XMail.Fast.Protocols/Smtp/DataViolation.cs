namespace XMail.Fast.Protocols.Smtp;

/// <summary>Why a DATA body is refused. The body is still read to its CRLF.CRLF so the session stays in sync.</summary>
[Flags]
public enum DataViolation
{
    None = 0,
    /// <summary>A line ended with LF alone.</summary>
    BareLf = 1,
    /// <summary>A CR not followed by LF.</summary>
    BareCr = 2,
    Nul = 4,
    LineTooLong = 8,
    TooBig = 16,
}
