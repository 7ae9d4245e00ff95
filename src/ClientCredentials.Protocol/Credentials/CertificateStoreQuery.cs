using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol;

/// <summary>
/// Which certificate of an X.509 store signs assertions: by SHA-1 thumbprint, or by subject (a distinguished name such
/// as <c>CN=app, O=Contoso</c>, or a part of the subject name). Only certificates with a private key that are valid
/// now qualify; of several, the one valid longest wins, so a certificate renewed into the store is picked up.
/// </summary>
public sealed record CertificateStoreQuery
{
    /// <summary>The store location. Default <see cref="StoreLocation.CurrentUser"/>.</summary>
    public StoreLocation Location { get; init; } = StoreLocation.CurrentUser;

    /// <summary>The store name. Default <see cref="StoreName.My"/>.</summary>
    public StoreName Name { get; init; } = StoreName.My;

    /// <summary>The SHA-1 thumbprint (hex; spaces and colons ignored). Set this or <see cref="Subject"/>.</summary>
    public string? Thumbprint { get; init; }

    /// <summary>The subject distinguished name, or a part of the subject name.</summary>
    public string? Subject { get; init; }

    /// <summary>Finds the certificate; <see cref="ClientCredentialsConfigurationException"/> (setting <c>Certificate</c>) says why when none qualifies.</summary>
    public X509Certificate2 Find(DateTimeOffset now)
    {
        var where = $"{Location}\\{Name}";
        var thumbprint = string.IsNullOrWhiteSpace(Thumbprint) ? null : new string([.. Thumbprint.Where(char.IsAsciiHexDigit).Select(char.ToUpperInvariant)]);
        if (thumbprint is null && string.IsNullOrWhiteSpace(Subject))
        {
            throw new ClientCredentialsConfigurationException("Certificate", "A certificate store query needs a Thumbprint or a Subject.");
        }

        var (findType, value, what) = thumbprint is not null
            ? (X509FindType.FindByThumbprint, thumbprint, $"thumbprint {thumbprint}")
            : Subject!.Contains('=', StringComparison.Ordinal)
                ? (X509FindType.FindBySubjectDistinguishedName, Subject.Trim(), $"subject '{Subject.Trim()}'")
                : (X509FindType.FindBySubjectName, Subject.Trim(), $"subject name '{Subject.Trim()}'");

        X509Certificate2Collection found;
        try
        {
            using var store = new X509Store(Name, Location);
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            found = store.Certificates.Find(findType, value, validOnly: false);
        }
        catch (CryptographicException ex)
        {
            throw new ClientCredentialsConfigurationException("Certificate", $"the store {where} could not be opened: {ex.Message}", ex);
        }

        X509Certificate2? best = null;
        foreach (var certificate in found)
        {
            var usable = certificate.HasPrivateKey && certificate.NotBefore.ToUniversalTime() <= now && now <= certificate.NotAfter.ToUniversalTime();
            if (usable && (best is null || certificate.NotAfter > best.NotAfter))
            {
                // Stryker disable once Statement : the replaced certificate is held by no one; disposing it only frees its handle sooner
                best?.Dispose();
                best = certificate;
            }
            else
            {
                // Stryker disable once Statement : a certificate that does not qualify is held by no one; disposing it only frees its handle sooner
                certificate.Dispose();
            }
        }

        return best ?? throw new ClientCredentialsConfigurationException(
            "Certificate",
            found.Count == 0
                ? $"no certificate with {what} is in {where}."
                : $"{found.Count} certificate(s) with {what} are in {where}, but none holds a private key and is valid now.");
    }

    /// <inheritdoc />
    public override string ToString() => $"{Location}\\{Name} {(Thumbprint is not null ? "thumbprint " + Thumbprint : "subject " + Subject)}";
}
