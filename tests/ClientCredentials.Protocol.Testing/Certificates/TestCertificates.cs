using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// Self-signed certificates made in memory for tests (never written to disk unless a test does so), valid from a day
/// ago for a year unless asked otherwise. One set for every test project.
/// </summary>
public static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> SharedRsa = new(() => Rsa());

    /// <summary>One RSA-2048 certificate with its private key, shared by tests that need "a valid certificate".</summary>
    public static X509Certificate2 SharedRsa2048 => SharedRsa.Value;

    /// <summary>An RSA certificate with its private key.</summary>
    public static X509Certificate2 Rsa(int bits = 2048, string subject = "CN=test-client", DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = RSA.Create(bits);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>An EC P-256 certificate with its private key (ES256).</summary>
    public static X509Certificate2 EcP256(string subject = "CN=test-ec-client")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>
    /// An RSA certificate whose private key can be exported (for writing a PFX with a password), as a certificate loaded
    /// from a PFX file is.
    /// </summary>
    public static X509Certificate2 ExportableRsa(string subject = "CN=test-client")
    {
        using var ephemeral = Rsa(subject: subject);
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable);
    }

    /// <summary>The same certificate without its private key, as a server that checks signatures holds it.</summary>
    public static X509Certificate2 PublicOnly(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return X509CertificateLoader.LoadCertificate(certificate.RawData);
    }
}
