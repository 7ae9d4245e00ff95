using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Emulator.Signing;

/// <summary>
/// The emulator's token signing key: an in-memory RSA 2048 key with a self-signed certificate, so the JWKS can
/// publish <c>x5t</c> and <c>x5c</c>. Like AAD, the <c>kid</c> equals the <c>x5t</c> (Base64url SHA-1 of the DER).
/// </summary>
internal sealed class EmulatorSigningKey : IDisposable
{
    private readonly RSA _rsa;
    private readonly X509Certificate2 _certificate;

    public EmulatorSigningKey(TimeProvider timeProvider)
    {
        _rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=ClientCredentials.Emulator token signing", _rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = timeProvider.GetUtcNow();
        _certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
#pragma warning disable CA5350 // x5t (RFC 7515 §4.1.7) is a SHA-1 digest by definition: it names a certificate, it protects nothing
        Thumbprint = Base64UrlEncoder.Encode(SHA1.HashData(_certificate.RawData));
#pragma warning restore CA5350
        KeyId = Thumbprint;
        SecurityKey = new RsaSecurityKey(_rsa) { KeyId = KeyId };
        // X509 credentials make the token handler write both kid and x5t into the header.
        SigningCredentials = new X509SigningCredentials(_certificate, SecurityAlgorithms.RsaSha256);
        SigningCredentials.Key.KeyId = KeyId;
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        Modulus = Base64UrlEncoder.Encode(parameters.Modulus);
        Exponent = Base64UrlEncoder.Encode(parameters.Exponent);
        CertificateBase64 = Convert.ToBase64String(_certificate.RawData);
    }

    /// <summary>The <c>kid</c> header of issued tokens.</summary>
    public string KeyId { get; }

    /// <summary>The <c>x5t</c> of the signing certificate.</summary>
    public string Thumbprint { get; }

    /// <summary>The RSA modulus, Base64url (JWK <c>n</c>).</summary>
    public string Modulus { get; }

    /// <summary>The RSA exponent, Base64url (JWK <c>e</c>).</summary>
    public string Exponent { get; }

    /// <summary>The certificate as Base64 DER (JWK <c>x5c</c>).</summary>
    public string CertificateBase64 { get; }

    /// <summary>The key for validating issued tokens.</summary>
    public SecurityKey SecurityKey { get; }

    /// <summary>RS256 credentials for issuing tokens.</summary>
    public SigningCredentials SigningCredentials { get; }

    public void Dispose()
    {
        _certificate.Dispose();
        _rsa.Dispose();
    }
}
