using System.Net;
using System.Net.Sockets;

namespace ClientCredentials.Protocol.Testing;

/// <summary>Picks a loopback port the OS reports free right now (it may be taken again before WireMock binds it).</summary>
internal static class FreeTcpPort
{
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
