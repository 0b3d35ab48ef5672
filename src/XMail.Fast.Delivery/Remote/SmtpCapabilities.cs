namespace XMail.Fast.Delivery.Remote;

/// <summary>What the server's EHLO reply offered.</summary>
[Flags]
public enum SmtpExtensions
{
    None = 0,
    Pipelining = 1,
    StartTls = 2,
    Size = 4,
    EightBitMime = 8,
    AuthPlain = 16,
    AuthLogin = 32,
    AuthCramMd5 = 64,
}
