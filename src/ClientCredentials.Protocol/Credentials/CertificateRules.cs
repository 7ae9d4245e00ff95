using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol;

/// <summary>
/// What a signing certificate must satisfy before an assertion is built. Entra ID accepts RSA keys only and
/// rejects keys under 2048 bits; every server rejects an expired certificate (AADSTS700027 for Entra).
/// Messages name the certificate by subject and SHA-1 thumbprint, never by key material.
/// </summary>
internal static class CertificateRules
{
    public static readonly TimeSpan MaxAssertionLifetime = TimeSpan.FromHours(1);

    public static void CheckOptions(CertificateCredentialOptions options)
    {
        if (options.AssertionLifetime <= TimeSpan.Zero || options.AssertionLifetime > MaxAssertionLifetime)
        {
            throw new ClientCredentialsConfigurationException("AssertionLifetime", $"The assertion lifetime must be more than zero and at most 1 hour (Entra ID refuses longer ones); got {options.AssertionLifetime}.");
        }

        if (!Enum.IsDefined(options.Algorithm))
        {
            throw new ClientCredentialsConfigurationException("Algorithm", $"Unknown assertion algorithm {(int)options.Algorithm}.");
        }

        foreach (var name in options.ExtraClaims.Keys)
        {
            if (Array.IndexOf(AssertionClaims.Reserved, name) >= 0)
            {
                throw new ClientCredentialsConfigurationException("ExtraClaims", $"Extra claim '{UntrustedText.Neutralize(name, 64)}' would override a claim the library sets itself ({string.Join(", ", AssertionClaims.Reserved)}); remove it.");
            }
        }
    }

    public static void Check(X509Certificate2 certificate, AuthorityKind kind, ClientAssertionAlgorithm algorithm, DateTimeOffset now)
    {
        var name = $"Certificate '{certificate.Subject}' (thumbprint {certificate.Thumbprint})";
        if (!certificate.HasPrivateKey)
        {
            throw new ClientCredentialsConfigurationException("Certificate", $"{name} has no private key; load it from a PFX/PKCS#12 file or a store entry that includes the key.");
        }

        if (now < certificate.NotBefore.ToUniversalTime())
        {
            throw new ClientCredentialsConfigurationException("Certificate", $"{name} is not valid before {certificate.NotBefore.ToUniversalTime():u}.");
        }

        if (now > certificate.NotAfter.ToUniversalTime())
        {
            throw new ClientCredentialsConfigurationException("Certificate", $"{name} expired on {certificate.NotAfter.ToUniversalTime():u}; create a new certificate and upload its public part to the app registration.");
        }

        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is not null)
        {
            if (rsa.KeySize < 2048)
            {
                throw new ClientCredentialsConfigurationException("Certificate", $"{name} has a {rsa.KeySize}-bit RSA key; use at least 2048 bits.");
            }

            if (algorithm == ClientAssertionAlgorithm.ES256)
            {
                throw new ClientCredentialsConfigurationException("Algorithm", $"{name} has an RSA key; ES256 needs an EC P-256 key.");
            }

            return;
        }

        using var ec = certificate.GetECDsaPublicKey();
        if (ec is null)
        {
            throw new ClientCredentialsConfigurationException("Certificate", $"{name} has neither an RSA nor an EC key.");
        }

        if (kind == AuthorityKind.Entra)
        {
            throw new ClientCredentialsConfigurationException("Certificate", $"{name} has an EC key; Entra ID accepts only RSA certificates (2048 bits or more) for client assertions.");
        }

        if (ec.KeySize != 256)
        {
            throw new ClientCredentialsConfigurationException("Certificate", $"{name} has an EC key on a {ec.KeySize}-bit curve; ES256 needs P-256.");
        }

        if (algorithm is ClientAssertionAlgorithm.PS256 or ClientAssertionAlgorithm.RS256)
        {
            throw new ClientCredentialsConfigurationException("Algorithm", $"{name} has an EC key; {algorithm} needs an RSA key.");
        }
    }
}
