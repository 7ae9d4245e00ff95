using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// The credential material of spec/conformance/README.md, fixed so that expectations can name it: two secrets, the TEST
/// ONLY keys of spec/vectors/keys (certificates, and DPoP keys from the same key files), and an assertion callback that
/// numbers its results.
/// </summary>
internal static class CaseCredentials
{
    public const string Secret = "conformance~secret*value";

    /// <summary>The <c>secret-jwt</c> secret: at least 32 UTF-8 bytes, as HS256 needs (RFC 7518 §3.2).</summary>
    public const string JwtSecret = "conformance~secret*value~long~enough~for~hs256";

    private static readonly Lazy<X509Certificate2> Rsa = new(() => Load("TEST-ONLY-rsa2048"));
    private static readonly Lazy<X509Certificate2> Ec = new(() => Load("TEST-ONLY-ec-p256"));

    /// <summary>The certificate a <c>certificate</c>, <c>certificate-ec</c> or <c>mtls</c> case uses; null for the others.</summary>
    public static X509Certificate2? CertificateOf(string credential) => credential switch
    {
        "certificate" or "mtls" => Rsa.Value,
        "certificate-ec" => Ec.Value,
        _ => null,
    };

    public static ClientCredential Create(CaseClient client) => client.Credential switch
    {
        "secret" => new ClientSecretCredential(Secret),
        "secret-basic" => new ClientSecretCredential(Secret, ClientSecretTransport.BasicAuthentication),
        "secret-jwt" => new ClientSecretJwtCredential(JwtSecret, new ClientSecretJwtCredentialOptions { Audience = Audience(client.AssertionAudience) }),
        "certificate" or "certificate-ec" => new CertificateCredential(CertificateOf(client.Credential)!, new CertificateCredentialOptions
        {
            Algorithm = client.Algorithm is { } algorithm ? Enum.Parse<ClientAssertionAlgorithm>(algorithm) : ClientAssertionAlgorithm.Automatic,
            Audience = Audience(client.AssertionAudience),
        }),
        "mtls" => new TlsClientCertificateCredential(Rsa.Value),
        "assertion-callback" => NumberedAssertions(),
        _ => throw new InvalidDataException($"Unknown client.credential '{client.Credential}'."),
    };

    /// <summary>
    /// The DPoP key a case names: <c>ec-p256</c> and <c>rsa2048</c> are the private keys of the TEST ONLY key files;
    /// <c>ec-p256-public-only</c> is the public half of the EC key, which cannot sign. Null: no DPoP.
    /// </summary>
    public static DPoPProofKey? DPoPKey(string? name)
    {
        switch (name)
        {
            case null:
                return null;
            case "ec-p256":
                return new DPoPProofKey(Ec.Value.GetECDsaPrivateKey()!);
            case "rsa2048":
                return new DPoPProofKey(Rsa.Value.GetRSAPrivateKey()!);
            case "ec-p256-public-only":
                var publicOnly = ECDsa.Create();
                publicOnly.ImportParameters(Ec.Value.GetECDsaPublicKey()!.ExportParameters(false));
                return new DPoPProofKey(publicOnly);
            default:
                throw new InvalidDataException($"Unknown DPoP key '{name}'.");
        }
    }

    /// <summary>The public key a DPoP proof of the named key must verify with.</summary>
    public static AsymmetricAlgorithm? DPoPPublicKey(string? name) => name switch
    {
        "ec-p256" or "ec-p256-public-only" => Ec.Value.GetECDsaPublicKey(),
        "rsa2048" => Rsa.Value.GetRSAPublicKey(),
        _ => null,
    };

    private static ClientAssertionAudience Audience(string? audience) => audience switch
    {
        null => ClientAssertionAudience.Automatic,
        "token-endpoint" => ClientAssertionAudience.TokenEndpoint,
        "issuer" => ClientAssertionAudience.Issuer,
        _ => throw new InvalidDataException($"Unknown client.assertionAudience '{audience}'."),
    };

    private static ClientAssertionCredential NumberedAssertions()
    {
        var calls = 0;
        return new ClientAssertionCredential((_, _) => ValueTask.FromResult($"conformance-assertion-{Interlocked.Increment(ref calls)}"));
    }

    private static X509Certificate2 Load(string name)
    {
        var keys = Path.Combine(RepositoryPaths.SpecDirectory, "vectors", "keys");
        return X509Certificate2.CreateFromPemFile(Path.Combine(keys, name + ".cert.pem"), Path.Combine(keys, name + ".key.pem"));
    }
}
