using System.Net;
using System.Net.Sockets;
using Garnet;

namespace ClientCredentials.Protocol.Benchmarks.Distributed;

/// <summary>Garnet (a Redis-protocol server) in this process on a free 127.0.0.1 port: the store every L2 contender shares.</summary>
internal sealed class GarnetOnLoopback : IDisposable
{
    private readonly GarnetServer _server;

    public GarnetOnLoopback()
    {
        Port = FreePort();
        _server = new GarnetServer(["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--memory", "256m", "--index", "16m"]);
        _server.Start();
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port},abortConnect=false";

    public void Dispose() => _server.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
