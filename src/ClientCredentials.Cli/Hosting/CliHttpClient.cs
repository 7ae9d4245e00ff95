using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Hosting;

/// <summary>
/// The HttpClient the CLI hands to the library: the library's token endpoint handler (redirects never followed, so
/// a secret or assertion is never posted to another host) with a 10 s connect timeout, and the <c>--verbose</c>
/// trace over it when asked. With a TLS client certificate (mutual TLS, RFC 8705) it presents it on every connection;
/// with <c>--tls-ca-file</c> it also trusts that CA for the server's certificate (a private PKI), names still checked.
/// </summary>
internal static class CliHttpClient
{
    public static HttpClient Create(CliContext context, bool verbose, TimeSpan timeout, X509Certificate2? clientCertificate = null, string? tlsCaFile = null)
    {
        var sockets = clientCertificate is null ? TokenEndpointHttpHandler.Create() : TokenEndpointHttpHandler.Create(clientCertificate);
        sockets.ConnectTimeout = TimeSpan.FromSeconds(10);
        if (tlsCaFile is not null)
        {
            var authorities = LoadAuthorities(context.ResolvePath(tlsCaFile));
            sockets.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => TrustedWith(authorities, certificate, errors);
        }

        HttpMessageHandler handler = sockets;
        if (verbose)
        {
            handler = new VerboseHttpHandler(context.Error, context.TimeProvider) { InnerHandler = handler };
        }

        return new HttpClient(handler) { Timeout = timeout };
    }

    private static X509Certificate2Collection LoadAuthorities(string path)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new CliConfigurationException("--tls-ca-file", $"The CA file '{path}' cannot be read as PEM certificates: {ex.Message}", ex);
        }

        return authorities.Count > 0
            ? authorities
            : throw new CliConfigurationException("--tls-ca-file", $"The CA file '{path}' holds no PEM certificate.");
    }

    /// <summary>The system's verdict, or a chain to one of <paramref name="authorities"/>; a name mismatch is never accepted.</summary>
    private static bool TrustedWith(X509Certificate2Collection authorities, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(presented);
    }
}
