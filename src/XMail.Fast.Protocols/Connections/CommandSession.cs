namespace XMail.Fast.Protocols.Connections;

/// <summary>
/// The skeleton every protocol conversation shares: the greeting, then one command line at a time from
/// <see cref="CommandReader"/> (length limit, over-long discard, idle deadline, flush before waiting) handed to the
/// protocol's grammar until the conversation ends or the peer leaves. Admission (TLS, access list, resources,
/// session gate) and the exception policy belong to <see cref="SessionListener"/>, which calls the admission hooks
/// below in its one order; a protocol's session type holds only its grammar.
/// </summary>
internal abstract class CommandSession
{
    protected CommandSession(SessionTransport transport, SessionLimits limits, TimeProvider time)
    {
        Transport = transport;
        Limits = limits;
        Reader = new CommandReader(transport, limits, time);
    }

    public SessionTransport Transport { get; }
    public SessionLimits Limits { get; }
    protected CommandReader Reader { get; }

    /// <summary>Set when the conversation is over (QUIT, a refusal, too many errors): the loop stops after this command.</summary>
    protected bool Ended { get; set; }

    /// <summary>Admission, after implicit TLS: the service's access list (ipmap). Null: admitted.</summary>
    public virtual ValueTask<Refusal?> CheckAccessAsync() => ValueTask.FromResult<Refusal?>(null);

    /// <summary>Admission, after the access list: server resources the service needs. Null: admitted.</summary>
    public virtual Refusal? CheckResources() => null;

    /// <summary>Said to a peer the service's session gate turns away (null: close without a word).</summary>
    public abstract string? BusyReply { get; }

    /// <summary>Said when the idle deadline expires (null: close without a word).</summary>
    public virtual string? TimeoutReply => null;

    /// <summary>Buffers the greeting (flushed with the first wait for the peer).</summary>
    protected abstract void Greet();

    /// <summary>One command line (in <see cref="Reader"/>) or an over-long line's <see cref="CommandRead.TooLong"/>.</summary>
    protected abstract ValueTask HandleAsync(CommandRead read);

    /// <summary>Cleanup once the conversation is over, however it ended (e.g. POP3 releases its mailbox lock).</summary>
    protected virtual void OnEnded() { }

    public async Task RunAsync()
    {
        try
        {
            Greet();
            while (!Ended)
            {
                var read = await Reader.ReadLineAsync().ConfigureAwait(false);
                if (read == CommandRead.Closed) break;
                await HandleAsync(read).ConfigureAwait(false);
                Reader.Release();
            }
            await Transport.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            Reader.Dispose();
            OnEnded();
        }
    }
}
