using System.Net;
using System.Security.Cryptography.X509Certificates;

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

    /// <summary>
    /// The same handler, presenting <paramref name="clientCertificate"/> on every TLS connection (RFC 8705 mutual TLS):
    /// for <see cref="TlsClientCertificateCredential"/> at the token endpoint, and for calling a resource with a
    /// certificate-bound token (<c>cnf.x5t#S256</c>) over the same certificate. The certificate is presented whatever CAs
    /// the server names as acceptable, so a self-signed one (<c>self_signed_tls_client_auth</c>) works too.
    /// </summary>
    /// <exception cref="ClientCredentialsConfigurationException">The certificate has no private key.</exception>
    public static SocketsHttpHandler Create(X509Certificate2 clientCertificate)
    {
        ArgumentNullException.ThrowIfNull(clientCertificate);
        if (!clientCertificate.HasPrivateKey)
        {
            throw new ClientCredentialsConfigurationException("Certificate", $"Certificate '{clientCertificate.Subject}' (thumbprint {clientCertificate.Thumbprint}) has no private key, so it cannot be presented on a TLS connection; load it with its key.");
        }

        var handler = Create();
        handler.SslOptions.ClientCertificates = [clientCertificate];
        handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        return handler;
    }
}
