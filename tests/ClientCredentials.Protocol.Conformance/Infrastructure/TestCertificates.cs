using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>A self-signed RSA-2048 certificate made in memory (never written to disk); the mock never checks signatures.</summary>
internal static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> Shared = new(Create);

    /// <summary>One certificate with its private key, shared by every test of the run.</summary>
    public static X509Certificate2 Rsa2048 => Shared.Value;

    private static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=conformance-client", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }
}
