namespace XMail.Fast.Protocols.Smtp;

/// <summary>Where <see cref="SmtpDataScanner"/> puts message bytes (a spool draft; a counter in benchmarks).</summary>
public interface IDataSink
{
    void Write(ReadOnlySpan<byte> bytes);
}
