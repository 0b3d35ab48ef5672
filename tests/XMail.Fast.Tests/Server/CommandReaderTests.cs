using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Tests.Server;

/// <summary>
/// The session skeleton's command input over a real pipe (no socket): pipelined lines, the over-long discard, replies
/// flushed before waiting, and the idle deadline taken from the server's clock.
/// </summary>
public sealed class CommandReaderTests
{
    private sealed class Harness
    {
        public readonly Pipe Input = new(new PipeOptions(useSynchronizationContext: false));
        public readonly Pipe Output = new(new PipeOptions(useSynchronizationContext: false));
        public readonly SessionTransport Transport;
        public readonly CommandReader Reader;

        public Harness(int maxLength = 16, TimeProvider? time = null, TimeSpan? idle = null)
        {
            var connection = new DefaultConnectionContext("test", new Duplex(Input.Reader, Output.Writer), new Duplex(Output.Reader, Input.Writer));
            Transport = new SessionTransport(connection);
            var timeout = idle ?? TimeSpan.FromMinutes(5);
            Reader = new CommandReader(Transport, new SessionLimits(maxLength, timeout, timeout, 1), time ?? TimeProvider.System);
        }

        public async Task SendAsync(string text) => await Input.Writer.WriteAsync(Encoding.Latin1.GetBytes(text));

        public async Task<string> LineAsync()
        {
            Assert.Equal(CommandRead.Line, await Reader.ReadLineAsync());
            return Reader.LineText();
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    [Fact]
    public async Task Pipelined_lines_come_one_at_a_time_and_an_overlong_one_is_reported_once()
    {
        var h = new Harness(maxLength: 8);
        await h.SendAsync("NOOP\r\n" + new string('x', 20));
        Assert.Equal("NOOP", await h.LineAsync());
        var pending = h.Reader.ReadLineAsync();
        Assert.False(pending.IsCompleted); // still discarding: waits for the LF
        await h.SendAsync("xxx\r\nQUIT\r\n");
        Assert.Equal(CommandRead.TooLong, await pending);
        Assert.Equal("QUIT", await h.LineAsync());
        h.Input.Writer.Complete();
        Assert.Equal(CommandRead.Closed, await h.Reader.ReadLineAsync());
    }

    [Fact]
    public async Task Buffered_replies_are_flushed_before_waiting_for_the_peer()
    {
        var h = new Harness();
        await h.SendAsync("A\r\nB\r\n");
        Assert.Equal("A", await h.LineAsync());
        h.Transport.BufferLine("250 first");
        Assert.Equal("B", await h.LineAsync());
        h.Transport.BufferLine("250 second");
        Assert.False(h.Output.Reader.TryRead(out _)); // a pipelined group is answered in one write...
        var next = h.Reader.ReadLineAsync();        // ...when no further command is waiting
        var written = await h.Output.Reader.ReadAsync();
        Assert.Equal("250 first\r\n250 second\r\n", Encoding.Latin1.GetString(written.Buffer));
        h.Output.Reader.AdvanceTo(written.Buffer.End);
        h.Input.Writer.Complete();
        Assert.Equal(CommandRead.Closed, await next);
    }

    [Fact]
    public async Task The_idle_deadline_runs_on_the_servers_clock()
    {
        var clock = new ManualTime();
        var h = new Harness(time: clock, idle: TimeSpan.FromSeconds(30));
        var read = h.Reader.ReadLineAsync().AsTask();
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(read.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
    }
}
