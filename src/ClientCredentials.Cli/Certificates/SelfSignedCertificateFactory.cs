using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Cli.Certificates;

/// <summary>
/// Creates a self-signed RSA certificate fit for client assertions: digital signature key usage, client
/// authentication EKU, valid from a minute ago (clock skew) for the given number of days.
/// </summary>
internal static class SelfSignedCertificateFactory
{
    public static X509Certificate2 Create(string subject, int keySize, TimeSpan validity, DateTimeOffset now)
    {
        using var key = RSA.Create(keySize);
        var request = new CertificateRequest(new X500DistinguishedName(subject), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(now.AddMinutes(-1), now + validity);
    }
}
