namespace XMail.Fast.Tests.Infrastructure;

/// <summary>How a <see cref="TestDnsServer"/> misbehaves for a name and every name below it.</summary>
public enum TestDnsFault
{
    /// <summary>RCODE 2, as from a server whose upstream is broken.</summary>
    ServerFailure,

    /// <summary>No reply at all: the client times out.</summary>
    NoReply,
}
