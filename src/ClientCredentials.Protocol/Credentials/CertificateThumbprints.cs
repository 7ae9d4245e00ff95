using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol;

/// <summary>
/// The certificate thumbprints that JWS headers carry (RFC 7515 §4.1.7–4.1.8): Base64url of the SHA-1
/// (<c>x5t</c>) or SHA-256 (<c>x5t#S256</c>) digest of the certificate's DER encoding.
/// </summary>
public static class CertificateThumbprints
{
    /// <summary>The <c>x5t</c> header value: Base64url(SHA-1(DER)).</summary>
    [SuppressMessage("Security", "CA5350:Do not use weak cryptographic algorithms", Justification = "x5t is defined as a SHA-1 digest (RFC 7515 §4.1.7); it names a certificate, it protects nothing. ADFS and AAD v1 require it.")]
    public static string X5t(X509Certificate2 certificate) => Base64Url.EncodeToString(SHA1.HashData(certificate.RawData));

    /// <summary>The <c>x5t#S256</c> header value: Base64url(SHA-256(DER)).</summary>
    public static string X5tS256(X509Certificate2 certificate) => Base64Url.EncodeToString(SHA256.HashData(certificate.RawData));
}
