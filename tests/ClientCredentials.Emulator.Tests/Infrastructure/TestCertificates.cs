using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Emulator.Tests.Infrastructure;

/// <summary>In-memory self-signed certificates with private keys, made with <see cref="CertificateRequest"/>.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 CreateRsa(string subject)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    public static X509Certificate2 CreateEc(string subject)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }
}
