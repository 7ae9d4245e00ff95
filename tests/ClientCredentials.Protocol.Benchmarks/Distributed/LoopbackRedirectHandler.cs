using ClientCredentials.Protocol.Benchmarks.Fakes;

namespace ClientCredentials.Protocol.Benchmarks.Distributed;

/// <summary>
/// Sends the requests a client addresses to <see cref="BenchmarkTenant.AuthorityUrl"/>'s host to the counting endpoint
/// on 127.0.0.1 over plain HTTP (MSAL.NET accepts only https authorities), and refuses every other host: nothing leaves
/// the machine. Used for MSAL.NET in the fleet report; this library takes the loopback authority directly.
/// </summary>
internal sealed class LoopbackRedirectHandler(int port) : DelegatingHandler(new SocketsHttpHandler { UseProxy = false })
{
    private static readonly string AuthorityHost = new Uri(BenchmarkTenant.AuthorityUrl).Host;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("A request without a URI.");
        if (!string.Equals(uri.Host, AuthorityHost, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"The fleet benchmark sends nothing to {uri.Host}.");
        }

        request.RequestUri = new UriBuilder(uri) { Scheme = Uri.UriSchemeHttp, Host = "127.0.0.1", Port = port }.Uri;
        return base.SendAsync(request, cancellationToken);
    }
}
