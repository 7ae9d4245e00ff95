using System.Net;
using System.Net.Sockets;

namespace ClientCredentials.Protocol.Caching.Tests.Infrastructure;

/// <summary>
/// A loopback TCP endpoint that stands where a Redis server should be and misbehaves: it never answers (a hung or
/// unreachable store, as a firewall that drops packets), or answers every read with bytes that are not the Redis protocol.
/// </summary>
public sealed class HostileRedisEndpoint : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly bool _answerGarbage;

    private HostileRedisEndpoint(bool answerGarbage)
    {
        _answerGarbage = answerGarbage;
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>StackExchange.Redis configuration for this endpoint; the client does not fail when it cannot connect.</summary>
    public string Configuration => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000";

    public static HostileRedisEndpoint Silent() => new(answerGarbage: false);

    public static HostileRedisEndpoint Garbage() => new(answerGarbage: true);

    /// <summary>A port with nothing listening: connections are refused.</summary>
    public static int RefusingPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var connection = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_connections)
                {
                    _connections.Add(connection);
                }

                if (_answerGarbage)
                {
                    _ = AnswerGarbageAsync(connection);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    private async Task AnswerGarbageAsync(TcpClient connection)
    {
        var buffer = new byte[4096];
        var garbage = "%%not redis\x00\xff\r\n:x\r\n$-7\r\n"u8.ToArray();
        try
        {
            var stream = connection.GetStream();
            while (await stream.ReadAsync(buffer, _stop.Token) > 0)
            {
                await stream.WriteAsync(garbage, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or IOException or SocketException)
        {
            // The client gave up on it, or the endpoint stopped.
        }
    }
}
