using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// The credential material of spec/conformance/README.md, fixed so that expectations can name it: one secret, the TEST
/// ONLY keys of spec/vectors/keys, and an assertion callback that numbers its results.
/// </summary>
internal static class CaseCredentials
{
    public const string Secret = "conformance~secret*value";

    private static readonly Lazy<X509Certificate2> Rsa = new(() => Load("TEST-ONLY-rsa2048"));
    private static readonly Lazy<X509Certificate2> Ec = new(() => Load("TEST-ONLY-ec-p256"));

    /// <summary>The certificate a <c>certificate</c> or <c>certificate-ec</c> case signs with; null for the others.</summary>
    public static X509Certificate2? CertificateOf(string credential) => credential switch
    {
        "certificate" => Rsa.Value,
        "certificate-ec" => Ec.Value,
        _ => null,
    };

    public static ClientCredential Create(string credential) => credential switch
    {
        "secret" => new ClientSecretCredential(Secret),
        "secret-basic" => new ClientSecretCredential(Secret, ClientSecretTransport.BasicAuthentication),
        "certificate" or "certificate-ec" => new CertificateCredential(CertificateOf(credential)!),
        "assertion-callback" => NumberedAssertions(),
        _ => throw new InvalidDataException($"Unknown client.credential '{credential}'."),
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
