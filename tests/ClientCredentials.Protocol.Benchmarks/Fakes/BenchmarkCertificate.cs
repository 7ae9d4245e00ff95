using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol.Benchmarks.Fakes;

/// <summary>The one RSA 2048 certificate (with its private key) both contenders sign client assertions with.</summary>
internal static class BenchmarkCertificate
{
    private static readonly Lazy<X509Certificate2> Shared = new(Create);

    /// <summary>A self-signed certificate valid from yesterday for a year.</summary>
    public static X509Certificate2 Rsa2048 => Shared.Value;

    private static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=benchmark-client", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));

        // Through PKCS#12, so the key is held as a loaded certificate's key is (as from a file or store).
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), password: null);
    }
}
