using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol.Extensions.Credentials;

/// <summary>
/// Finds a signing certificate in an X.509 store by SHA-1 thumbprint or by subject. Only certificates that hold a
/// private key and are valid now qualify; of several, the one that stays valid longest wins, so a certificate
/// renewed into the store is picked up without a configuration change.
/// </summary>
internal sealed class CertificateStoreSearch(TimeProvider timeProvider)
{
    public X509Certificate2 Find(CredentialSourceOptions source)
    {
        var where = $"{source.StoreLocation}\\{source.StoreName}";
        var (findType, value, what) = !string.IsNullOrWhiteSpace(source.CertificateThumbprint)
            ? (X509FindType.FindByThumbprint, Normalize(source.CertificateThumbprint), $"thumbprint {Normalize(source.CertificateThumbprint)}")
            : source.CertificateSubject!.Contains('=', StringComparison.Ordinal)
                ? (X509FindType.FindBySubjectDistinguishedName, source.CertificateSubject.Trim(), $"subject '{source.CertificateSubject.Trim()}'")
                : (X509FindType.FindBySubjectName, source.CertificateSubject.Trim(), $"subject name '{source.CertificateSubject.Trim()}'");

        X509Certificate2Collection found;
        try
        {
            using var store = new X509Store(source.StoreName, source.StoreLocation);
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            found = store.Certificates.Find(findType, value, validOnly: false);
        }
        catch (CryptographicException ex)
        {
            throw new CredentialSourceUnavailableException($"the store {where} could not be opened: {ex.Message}", ex);
        }

        var now = timeProvider.GetUtcNow();
        X509Certificate2? best = null;
        foreach (var certificate in found)
        {
            var usable = certificate.HasPrivateKey && certificate.NotBefore.ToUniversalTime() <= now && now <= certificate.NotAfter.ToUniversalTime();
            if (usable && (best is null || certificate.NotAfter > best.NotAfter))
            {
                best?.Dispose();
                best = certificate;
            }
            else
            {
                certificate.Dispose();
            }
        }

        return best ?? throw new CredentialSourceUnavailableException(
            found.Count == 0
                ? $"no certificate with {what} is in {where}."
                : $"{found.Count} certificate(s) with {what} are in {where}, but none holds a private key and is valid now.");
    }

    private static string Normalize(string thumbprint) =>
        new(thumbprint.Where(char.IsAsciiHexDigit).Select(char.ToUpperInvariant).ToArray());
}
