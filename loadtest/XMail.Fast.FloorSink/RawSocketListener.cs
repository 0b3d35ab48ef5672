using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace XMail.Fast.FloorSink;

/// <summary>
/// The same sink without Kestrel: a plain accept loop and a stream pipe per connection, so the socket's completion
/// runs the session directly (Kestrel adds its IOQueue and application-scheduler hops, connection tracking and
/// features). Measures how much of the floor is Kestrel's.
/// </summary>
internal static class RawSocketListener
{
    public static async Task RunAsync(int port, IMessageStore? store)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(512);
        while (true)
        {
            var socket = await listener.AcceptAsync();
            _ = ServeAsync(socket, store);
        }
    }

    private static async Task ServeAsync(Socket socket, IMessageStore? store)
    {
        socket.NoDelay = true;
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        var input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true));
        var output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        try { await SinkSession.RunAsync(store, input, output); }
        catch (IOException) { }
        finally
        {
            await input.CompleteAsync();
            await output.CompleteAsync();
        }
    }
}
