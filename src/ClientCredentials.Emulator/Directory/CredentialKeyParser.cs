using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Emulator.Directory;

/// <summary>Turns configured key material (certificates, JWKs, PEM public keys, thumbprints) into usable keys.</summary>
internal static class CredentialKeyParser
{
    /// <summary>Reads a public certificate given as PEM or Base64 DER.</summary>
    public static X509Certificate2 ParseCertificate(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            return X509Certificate2.CreateFromPem(trimmed);
        }

        return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(trimmed));
    }

    /// <summary>Reads a JWK (JSON text) or a PEM public key (RSA or EC).</summary>
    public static SecurityKey ParseSigningKey(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('{'))
        {
            var jwk = new JsonWebKey(trimmed);
            if (jwk.Kty is not (JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve))
            {
                throw new FormatException($"JWK key type '{jwk.Kty}' is not supported; use RSA or EC.");
            }

            return jwk;
        }

        if (trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            if (trimmed.Contains("PRIVATE KEY", StringComparison.Ordinal))
            {
                throw new FormatException("A private key was given; configure the issuer's PUBLIC key only.");
            }

            if (trimmed.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal))
            {
                return new X509SecurityKey(X509Certificate2.CreateFromPem(trimmed));
            }

            try
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(trimmed);
                return new RsaSecurityKey(rsa);
            }
            catch (ArgumentException)
            {
                var ecdsa = ECDsa.Create();
                ecdsa.ImportFromPem(trimmed);
                return new ECDsaSecurityKey(ecdsa);
            }
        }

        throw new FormatException("Expected a JWK JSON object or a PEM public key ('-----BEGIN PUBLIC KEY-----').");
    }

    /// <summary>Reads a hex thumbprint (spaces and colons allowed) of the given byte length.</summary>
    public static byte[] ParseThumbprint(string hex, int expectedBytes)
    {
        var cleaned = hex.Replace(" ", string.Empty, StringComparison.Ordinal).Replace(":", string.Empty, StringComparison.Ordinal);
        var bytes = Convert.FromHexString(cleaned);
        if (bytes.Length != expectedBytes)
        {
            throw new FormatException($"Expected {expectedBytes * 2} hex digits, found {cleaned.Length}.");
        }

        return bytes;
    }
}
