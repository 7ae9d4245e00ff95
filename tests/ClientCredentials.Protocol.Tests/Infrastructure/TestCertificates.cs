using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol.Tests;

/// <summary>Self-signed certificates made in memory for tests (never written to disk).</summary>
internal static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> SharedRsa = new(() => Rsa());

    /// <summary>One RSA-2048 certificate shared by tests that only need "a valid certificate".</summary>
    public static X509Certificate2 SharedRsa2048 => SharedRsa.Value;

    public static X509Certificate2 Rsa(int bits = 2048, string subject = "CN=test-client", DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = RSA.Create(bits);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddYears(1));
    }

    public static X509Certificate2 EcP256(string subject = "CN=test-ec-client")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    public static X509Certificate2 PublicOnly(X509Certificate2 certificate) => X509CertificateLoader.LoadCertificate(certificate.RawData);
}
