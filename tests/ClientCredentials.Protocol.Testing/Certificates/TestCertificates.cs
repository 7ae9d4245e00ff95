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

    /// <summary>A certificate authority (RSA-2048, basic constraints CA) that can issue client and server certificates.</summary>
    public static X509Certificate2 CertificateAuthority(string subject = "CN=test-ca")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>
    /// An RSA certificate with its private key, issued by <paramref name="authority"/>: a TLS client certificate, or with
    /// <paramref name="serverIpAddress"/> a TLS server certificate for that address.
    /// </summary>
    public static X509Certificate2 IssuedBy(X509Certificate2 authority, string subject, System.Net.IPAddress? serverIpAddress = null)
    {
        ArgumentNullException.ThrowIfNull(authority);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        var purposes = new OidCollection { new Oid(serverIpAddress is null ? "1.3.6.1.5.5.7.3.2" : "1.3.6.1.5.5.7.3.1") };
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(purposes, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        if (serverIpAddress is not null)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(serverIpAddress);
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMonths(6), serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>The certificate as PEM (<c>-----BEGIN CERTIFICATE-----</c>).</summary>
    public static string CertificatePem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.ExportCertificatePem();
    }

    /// <summary>The private key of an RSA or EC certificate as PKCS#8 PEM.</summary>
    public static string PrivateKeyPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey() ?? certificate.GetECDsaPrivateKey() ?? throw new ArgumentException("The certificate has no private key.", nameof(certificate));
        return key.ExportPkcs8PrivateKeyPem();
    }
}
