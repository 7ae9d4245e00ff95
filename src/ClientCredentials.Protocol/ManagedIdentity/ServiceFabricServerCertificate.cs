using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol;

/// <summary>
/// The Service Fabric token endpoint serves HTTPS with the runtime's own certificate, which no public CA signs; the
/// runtime gives its SHA-1 thumbprint in <c>IDENTITY_SERVER_THUMBPRINT</c>. A certificate that fails the usual chain
/// checks is accepted when, and only when, its thumbprint is that one (as MSAL.NET and Azure.Identity do).
/// </summary>
internal static class ServiceFabricServerCertificate
{
    /// <summary>The thumbprint as 40 upper-case hex digits; spaces and colons are dropped. Anything else is refused.</summary>
    public static string NormalizeThumbprint(string thumbprint)
    {
        var hex = new string([.. (thumbprint ?? string.Empty).Where(c => c is not (' ' or ':'))]).ToUpperInvariant();
        if (hex.Length != SHA1.HashSizeInBytes * 2 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new ClientCredentialsConfigurationException(
                ManagedIdentityVariables.IdentityServerThumbprint,
                $"{ManagedIdentityVariables.IdentityServerThumbprint} must be the 40-hex-digit SHA-1 thumbprint of the Service Fabric token endpoint's certificate; it has {hex.Length} characters.");
        }

        return hex;
    }

    /// <summary>A handler that pins <paramref name="thumbprint"/> (and never follows redirects).</summary>
    public static HttpMessageHandler CreateHandler(string thumbprint)
    {
        var handler = TokenEndpointHttpHandler.Create();
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => Accept(certificate, errors, thumbprint),
        };
        return handler;
    }

    /// <summary>A certificate that validates normally, or whose SHA-1 thumbprint is the pinned one.</summary>
    internal static bool Accept(X509Certificate? certificate, SslPolicyErrors errors, string thumbprint) =>
        errors == SslPolicyErrors.None ||
#pragma warning disable CA5350 // Service Fabric gives the server's SHA-1 thumbprint (IDENTITY_SERVER_THUMBPRINT); it is compared, nothing is signed.
        (certificate is not null && string.Equals(Convert.ToHexString(SHA1.HashData(certificate.GetRawCertData())), thumbprint, StringComparison.Ordinal));
#pragma warning restore CA5350
}
