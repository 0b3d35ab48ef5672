namespace XMail.Fast.Protocols.Smtp.Sasl;

/// <summary>What a SASL exchange proved to have received: a user with a password (PLAIN, LOGIN) or a CRAM-MD5 digest.</summary>
public sealed record SaslCredentials(string User, string? Password, string? Digest);
