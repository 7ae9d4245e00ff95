using System.Net;

namespace ClientCredentials.Protocol;

/// <summary>
/// The HTTP handler for talking to token endpoints. Redirects are never followed: on a 307/308 .NET would post
/// the form body again, <c>client_secret</c> or <c>client_assertion</c> included, to whatever host <c>Location</c>
/// names (RFC 6749 §3.2 gives the token endpoint as a fixed URL). A 3xx is reported as an invalid response instead.
/// </summary>
public static class TokenEndpointHttpHandler
{
    /// <summary>A pooled handler that does not follow redirects, renews connections every 5 minutes (DNS changes),
    /// and accepts compressed responses.</summary>
    public static SocketsHttpHandler Create() => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.All,
    };
}
