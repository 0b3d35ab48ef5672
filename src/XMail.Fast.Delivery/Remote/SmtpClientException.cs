namespace XMail.Fast.Delivery.Remote;

/// <summary>
/// A session-level failure talking to one server (connect, banner, EHLO, STARTTLS, AUTH, timeout, drop).
/// <see cref="Permanent"/> is true only for a 5xx that says this server will never take the mail.
/// </summary>
public sealed class SmtpClientException : Exception
{
    public SmtpClientException(string message, bool permanent = false, int code = 0, Exception? inner = null, bool tlsFailure = false)
        : base(message, inner)
    {
        Permanent = permanent;
        Code = code;
        TlsFailure = tlsFailure;
    }

    /// <summary>The TLS handshake failed: with NeedTLS=1 the server is tried again without STARTTLS.</summary>
    public bool TlsFailure { get; }

    public bool Permanent { get; }
    public int Code { get; }
}
