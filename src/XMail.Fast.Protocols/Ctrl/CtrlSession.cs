using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Wire;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>
/// One CTRL connection: the states of <see cref="CtrlStateTable"/> (login in CtrlSession.Login.cs), command lines run by
/// <see cref="CtrlCommandTable"/>, and the wire format: RESSTRINGs, "+00100" lists and files (dot-stuffed) and
/// "+00101" uploads (dot-unstuffed).
/// </summary>
internal sealed partial class CtrlSession : CommandSession
{
    private readonly CtrlLimits _limits;

    public CtrlSession(SessionTransport transport, CtrlServices services, CtrlLimits limits)
        : base(transport, limits.Session, services.Context.Time)
    {
        Services = services;
        _limits = limits;
    }

    public CtrlServices Services { get; }
    public MailServerContext Context => Services.Context;
    public ILogger Log => Services.Log;
    public string PeerIp => Transport.RemoteAddress.ToString();

    /// <summary>The authenticated CTRL account ("" before login).</summary>
    public string User { get; set; } = "";

    public CtrlState State { get; private set; } = CtrlState.NotAuthenticated;

    /// <summary>Takes one step of <see cref="CtrlStateTable"/>.</summary>
    private void Enter(CtrlInput input) =>
        State = CtrlStateTable.After(State, input) ?? throw new InvalidOperationException($"CTRL: {input} in state {State}");

    protected override ValueTask HandleAsync(CommandRead read) =>
        State == CtrlState.NotAuthenticated ? LoginLineAsync(read) : CommandLineAsync(read);

    private async ValueTask CommandLineAsync(CommandRead read)
    {
        if (read == CommandRead.TooLong)
        {
            Log.LogWarning("CTRL [{Ip}] command line longer than {Max} bytes", PeerIp, _limits.MaxCommandLine);
            await ReplyAsync(ErrorCode.LineTooLong).ConfigureAwait(false);
            return;
        }
        Enter(CtrlInput.Command);
        if (!await CtrlCommandTable.ExecuteAsync(this, Reader.LineText()).ConfigureAwait(false)) Ended = true;
    }

    public ValueTask WriteLineAsync(string line) => Transport.WriteLineAsync(line);

    public ValueTask ReplyAsync(ErrorCode code) => Transport.WriteLineAsync(ErrorCodeText.CtrlLine(code));

    public ValueTask OkAsync() => Transport.WriteLineAsync("+00000 OK");

    /// <summary>"+00100 OK", the lines (dot-stuffed), ".".</summary>
    public async ValueTask SendListAsync(IEnumerable<string> lines)
    {
        Transport.BufferLine("+00100 OK");
        int pending = 0;
        foreach (var line in lines)
        {
            if (line.StartsWith('.')) Transport.Buffer(".");
            Transport.BufferLine(line);
            if (++pending == 256)
            {
                pending = 0;
                await Transport.FlushAsync().ConfigureAwait(false);
            }
        }
        Transport.BufferLine(".");
        await Transport.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// "+00100 OK", then the files one after the other as lines (LF or CRLF ends a line; a line starting with '.'
    /// gets another '.'), then ".". Streams: a file is never held in memory whole.
    /// </summary>
    public async ValueTask SendFilesAsync(IReadOnlyList<string> paths)
    {
        var streams = new List<FileStream>(paths.Count);
        try
        {
            // Open everything first: a file that vanished is an error before "+00100", not a truncated list.
            foreach (var p in paths) streams.Add(new FileStream(p, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            foreach (var s in streams) await s.DisposeAsync().ConfigureAwait(false);
            Log.LogWarning("CTRL [{Ip}] unable to read file: {Error}", PeerIp, ex.Message);
            await ReplyAsync(ErrorCode.FileOpen).ConfigureAwait(false);
            return;
        }
        Transport.BufferLine("+00100 OK");
        var input = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var stuffer = DotStuffer.Create();
            foreach (var fs in streams)
            {
                await using var _ = fs;
                int n;
                while ((n = await fs.ReadAsync(input.AsMemory(0, input.Length)).ConfigureAwait(false)) > 0)
                {
                    stuffer.Write(input.AsSpan(0, n), Transport.Output);
                    await Transport.FlushAsync().ConfigureAwait(false);
                }
                stuffer.EndLine(Transport.Output);
            }
            stuffer.Finish(Transport.Output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
        await Transport.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// "+00101 OK", then the client's lines up to "." (a leading '.' removed from the others), as LF-terminated
    /// Latin-1 bytes. Returns null content with the error to answer when the upload broke a limit (it is read to its
    /// end anyway so the session stays in step), or null with <see cref="ErrorCode.Success"/> when the peer left.
    /// </summary>
    public async ValueTask<(byte[]? Content, ErrorCode Error)> ReceiveUploadAsync()
    {
        await Transport.WriteLineAsync("+00101 OK").ConfigureAwait(false);
        Enter(CtrlInput.UploadStart);
        using var buffer = new MemoryStream();
        var error = ErrorCode.Success;
        var scratch = new byte[256];
        while (true)
        {
            var read = await Reader.ReadLineAsync(_limits.MaxUploadLine).ConfigureAwait(false);
            if (read == CommandRead.Closed) return (null, ErrorCode.Success);
            if (read == CommandRead.TooLong)
            {
                error = ErrorCode.LineTooLong;
                continue;
            }
            var line = Reader.LineText();
            if (line == ".") break;
            Enter(CtrlInput.UploadLine);
            if (error != ErrorCode.Success) continue;
            var text = line.StartsWith('.') ? line.AsSpan(1) : line.AsSpan();
            if (buffer.Length + text.Length + 1 > _limits.MaxUploadBytes)
            {
                error = ErrorCode.MessageSize;
                continue;
            }
            if (scratch.Length < text.Length) scratch = new byte[Math.Max(text.Length, scratch.Length * 2)];
            int n = Encoding.Latin1.GetBytes(text, scratch);
            buffer.Write(scratch, 0, n);
            buffer.WriteByte((byte)'\n');
        }
        Enter(CtrlInput.UploadEnd);
        if (error != ErrorCode.Success)
        {
            Log.LogWarning("CTRL [{Ip}] upload rejected: {Error}", PeerIp, ErrorCodeText.Describe(error));
            return (null, error);
        }
        return (buffer.ToArray(), ErrorCode.Success);
    }
}
