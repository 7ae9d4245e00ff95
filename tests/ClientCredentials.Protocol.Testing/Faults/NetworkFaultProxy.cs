using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// A small loopback socket server in front of a WireMock.Net server, for what WireMock.Net cannot do on the wire: the
/// <see cref="NetworkFault"/>s (a TCP reset, a close before any byte, a broken chunked body, random bytes) and a body
/// that trickles in. Every request is passed to WireMock unchanged (apart from <c>Connection: close</c> towards
/// WireMock), so WireMock still matches, journals and sequences it; when the stub's answer carries
/// <see cref="FaultHeader"/>, the proxy drops the answer and does the fault to the client instead, and when it carries
/// <see cref="DribbleHeader"/>, the proxy sends the body in timed pieces. Any other answer is passed back as it came.
/// Listens on 127.0.0.1 only; keeps client connections alive between requests like a normal server.
/// </summary>
public sealed class NetworkFaultProxy : IDisposable
{
    /// <summary>Response header of a stub that asks for a fault; its value is a <see cref="NetworkFault"/> name.</summary>
    public const string FaultHeader = "X-Test-Network-Fault";

    /// <summary>Response header of a stub whose body is to trickle in: <c>{pieces};{total milliseconds}</c>.</summary>
    public const string DribbleHeader = "X-Test-Dribble-Body";

    private static readonly TimeSpan UpstreamTimeout = TimeSpan.FromSeconds(60);
    private readonly TcpListener _listener;
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, Task> _connections = new();
    private readonly Task _accepting;

    private NetworkFaultProxy(IPEndPoint upstream)
    {
        _upstream = upstream;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>Where clients connect: <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Starts a proxy for the HTTP server at <paramref name="upstream"/> (a loopback address with its port).</summary>
    public static NetworkFaultProxy Start(Uri upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        if (!IPAddress.TryParse(upstream.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"The proxy forwards to a loopback address only, not '{upstream}'.", nameof(upstream));
        }

        return new NetworkFaultProxy(new IPEndPoint(address, upstream.Port));
    }

    /// <summary>Stops listening and closes every open connection.</summary>
    public void Dispose()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _stopping.Cancel();
        _listener.Stop();
        foreach (var socket in _connections.Keys)
        {
            socket.Dispose();
        }

        Task.WhenAll([_accepting, .. _connections.Values]).Wait(TimeSpan.FromSeconds(10));
        _stopping.Dispose();
    }

    private static async Task DoFaultAsync(Socket client, NetworkFault fault, CancellationToken cancellationToken)
    {
        switch (fault)
        {
            case NetworkFault.ConnectionResetByPeer:
                // Linger on with a zero timeout makes close send RST instead of FIN.
                client.LingerState = new LingerOption(true, 0);
                break;
            case NetworkFault.EmptyResponse:
                client.Shutdown(SocketShutdown.Send);
                break;
            case NetworkFault.MalformedResponseChunk:
                // A complete first chunk, then the connection ends where the next chunk-size line should be.
                await client.SendAsync(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nlskdu018973t09sy\r\n"u8.ToArray(),
                    cancellationToken).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Send);
                break;
            case NetworkFault.RandomDataThenClose:
                // No CR or LF: the client is still reading its status line when the connection ends.
                var garbage = new byte[48];
                Random.Shared.NextBytes(garbage);
                for (var i = 0; i < garbage.Length; i++)
                {
                    garbage[i] = garbage[i] is (byte)'\r' or (byte)'\n' ? (byte)'x' : garbage[i];
                }

                await client.SendAsync(garbage, cancellationToken).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Send);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, "Not a network fault.");
        }
    }

    private static (int Pieces, TimeSpan Total) ParseDribble(string value)
    {
        var parts = value.Split(';');
        if (parts.Length == 2 &&
            int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pieces) && pieces > 0 &&
            int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return (pieces, TimeSpan.FromMilliseconds(milliseconds));
        }

        throw new InvalidDataException($"{DribbleHeader} must be '{{pieces}};{{total milliseconds}}', not '{value}'.");
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            // Registered before it runs, so that a connection that ends at once is also removed.
            var serving = new Task<Task>(() => ServeAsync(client));
            _connections[client] = serving.Unwrap();
            serving.Start(TaskScheduler.Default);
        }
    }

    /// <summary>Serves one client connection, request after request, until either side closes it or a fault ends it.</summary>
    private async Task ServeAsync(Socket client)
    {
        try
        {
            await using var stream = new NetworkStream(client, ownsSocket: false);
            var input = new BufferedReader(stream);
            while (await RawHttpMessage.ReadAsync(input, isResponse: false, _stopping.Token).ConfigureAwait(false) is { } request)
            {
                var answer = await ForwardAsync(request).ConfigureAwait(false);
                if (answer.Header(FaultHeader) is { } faultName)
                {
                    await DoFaultAsync(client, Enum.Parse<NetworkFault>(faultName), _stopping.Token).ConfigureAwait(false);
                    return;
                }

                var dribble = answer.Header(DribbleHeader);
                answer.RemoveHeaders("Connection", "Keep-Alive", DribbleHeader);
                if (dribble is null)
                {
                    await stream.WriteAsync(answer.Serialize(), _stopping.Token).ConfigureAwait(false);
                    continue;
                }

                var (pieces, total) = ParseDribble(dribble);
                await stream.WriteAsync(answer.SerializeHead(), _stopping.Token).ConfigureAwait(false);
                var size = (answer.Body.Length + pieces - 1) / pieces;
                for (var offset = 0; offset < answer.Body.Length; offset += size)
                {
                    // The server's simulated slowness: the body arrives piece by piece over the stated time.
                    await Task.Delay(total / pieces, _stopping.Token).ConfigureAwait(false);
                    await stream.WriteAsync(answer.Body.AsMemory(offset, Math.Min(size, answer.Body.Length - offset)), _stopping.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidDataException)
        {
            // The client went away (or sent something that is not HTTP): nothing to answer.
        }
        finally
        {
            client.Dispose();
            _connections.TryRemove(client, out _);
        }
    }

    /// <summary>Sends the request to WireMock on a connection of its own and reads the complete answer.</summary>
    private async Task<RawHttpMessage> ForwardAsync(RawHttpMessage request)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(UpstreamTimeout);
        using var socket = new Socket(_upstream.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_upstream, timeout.Token).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        request.RemoveHeaders("Connection", "Keep-Alive");
        await stream.WriteAsync(request.Serialize(new KeyValuePair<string, string>("Connection", "close")), timeout.Token).ConfigureAwait(false);
        return await RawHttpMessage.ReadAsync(new BufferedReader(stream), isResponse: true, timeout.Token).ConfigureAwait(false)
            ?? throw new IOException("WireMock closed the connection without answering.");
    }
}
