using BenchmarkDotNet.Attributes;
using XMail.Fast.Core.Spool;

namespace XMail.Fast.Benchmarks.Spool;

/// <summary>
/// Starting a spool file and writing its header (info line, SMTP domain, SMTP id, MAIL FROM, RCPT TO, marker) the way
/// the SMTP DATA path does for every message, and the way LMAIL/bounces/PSYNC do from a <see cref="SpoolHeader"/>.
/// The draft is disposed uncommitted: nothing reaches the disk, so this is the per-message CPU and allocation cost.
/// </summary>
[MemoryDiagnoser]
public class SpoolHeaderWriteBenchmarks
{
    private const string Info = "[192.0.2.1]:40000;[192.0.2.25]:25;Tue, 24 Nov 2026 15:44:30 +0100";
    private const string Domain = "mx.example.com";
    private const string SmtpId = "S5C";
    private const string MailLine = "MAIL FROM:<a@example.org> SIZE=1024";
    private static readonly string[] RcptLines = ["RCPT TO:<bob@example.com>"];
    private string _dir = "";
    private SpoolWriter _writer = null!;
    private SpoolHeader _header = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("xmf-bench-spool").FullName;
        _writer = new SpoolWriter(new SpoolLayout(_dir, 23));
        _header = new SpoolHeader { Info = Info, SmtpDomain = Domain, MessageId = SmtpId, MailFromLine = MailLine };
        _header.RcptLines.AddRange(RcptLines);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>What SmtpSession writes before the Received: line (through <see cref="SpoolHeaderWriter"/>).</summary>
    [Benchmark]
    public long SmtpHeader()
    {
        using var draft = _writer.Create();
        SpoolHeaderWriter.Write(draft, Info, Domain, SmtpId, MailLine, RcptLines, static r => r);
        return draft.Length;
    }

    /// <summary>What SpoolStore.SubmitAsync and PSYNC write for a message they create.</summary>
    [Benchmark]
    public long HeaderObject()
    {
        using var draft = _writer.Create();
        _header.WriteTo(draft);
        return draft.Length;
    }

    /// <summary>
    /// The header text alone, 256 headers into one draft (one file write per 64 KB): the hand-written sequence the SMTP
    /// DATA path used before <see cref="SpoolHeaderWriter"/> (baseline) against the writer.
    /// </summary>
    [Benchmark(OperationsPerInvoke = 256)]
    public long HeaderTextHandWritten()
    {
        using var draft = _writer.Create();
        for (int n = 0; n < 256; n++)
        {
            draft.WriteText(Info);
            draft.WriteText("\r\n");
            draft.WriteText(Domain);
            draft.WriteText("\r\n");
            draft.WriteText(SmtpId);
            draft.WriteText("\r\n");
            draft.WriteText(MailLine);
            draft.WriteText("\r\n");
            foreach (var r in RcptLines)
            {
                draft.WriteText(r);
                draft.WriteText("\r\n");
            }
            draft.WriteText(SpoolHeader.DataMarker);
            draft.WriteText("\r\n");
        }
        return draft.Length;
    }

    [Benchmark(OperationsPerInvoke = 256)]
    public long HeaderTextWriter()
    {
        using var draft = _writer.Create();
        for (int n = 0; n < 256; n++) SpoolHeaderWriter.Write(draft, Info, Domain, SmtpId, MailLine, RcptLines, static r => r);
        return draft.Length;
    }
}
