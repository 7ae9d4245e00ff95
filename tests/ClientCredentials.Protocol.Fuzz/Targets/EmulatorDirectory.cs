using System.Security.Cryptography.X509Certificates;
using ClientCredentials.Emulator;

namespace ClientCredentials.Protocol.Fuzz.Targets;

/// <summary>
/// The emulator directory the token request target serves: the tenant, client and resource that spec/vectors use, with
/// the vectors' secret and TEST-ONLY certificates, and a federated credential trusting the TEST-ONLY RSA key. Seeded
/// requests therefore get past every check to a token, and mutations explore every refusal on the way.
/// </summary>
public static class EmulatorDirectory
{
    public const string TenantId = "72f988bf-0000-4000-8000-000000000001";
    public const string Domain = "contoso.onmicrosoft.com";
    public const string ClientId = "00001111-aaaa-2222-bbbb-3333cccc4444";
    public const string Secret = "Abc8Q~xyz.-_0123";
    public const string FederatedClientId = "00001111-aaaa-2222-bbbb-3333cccc5555";
    public const string FederatedIssuer = "https://token.actions.example.com";
    public const string FederatedSubject = "repo:contoso/app:environment:prod";
    public const string Resource = "https://graph.microsoft.com";

    /// <summary>The host whose token endpoint URLs the vectors' assertions name as <c>aud</c>.</summary>
    public const string Host = "login.microsoftonline.com";

    /// <summary>The vectors' clock (spec/vectors/README.md): their assertions are valid at this instant.</summary>
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 1, 0, TimeSpan.Zero);

    public static EmulatorOptions Options()
    {
        var rsa = X509Certificate2.CreateFromPem(File.ReadAllText(KeyPath("TEST-ONLY-rsa2048.cert.pem")));
        var ec = X509Certificate2.CreateFromPem(File.ReadAllText(KeyPath("TEST-ONLY-ec-p256.cert.pem")));
        return new EmulatorOptions
        {
            Tenants = [new EmulatorTenant { Id = TenantId, Domains = [Domain] }],
            Resources = [new EmulatorResource { AppIdUri = Resource, Roles = ["User.Read.All", "Mail.Send"] }],
            Applications =
            [
                new EmulatorApplication
                {
                    ClientId = ClientId,
                    TenantId = TenantId,
                    Secrets = [new EmulatorSecret { Value = Secret, ExpiresOn = Now.AddYears(1) }],
                    Certificates = [new EmulatorCertificate { Certificate = Convert.ToBase64String(rsa.RawData) }, new EmulatorCertificate { Certificate = Convert.ToBase64String(ec.RawData) }],
                    Roles = new Dictionary<string, IReadOnlyList<string>> { [Resource] = ["User.Read.All"] },
                },
                new EmulatorApplication
                {
                    ClientId = FederatedClientId,
                    TenantId = TenantId,
                    FederatedCredentials =
                    [
                        new EmulatorFederatedCredential
                        {
                            Issuer = FederatedIssuer,
                            Subject = FederatedSubject,
                            SigningKeys = [rsa.PublicKey.GetRSAPublicKey()!.ExportSubjectPublicKeyInfoPem()],
                        },
                    ],
                    Roles = new Dictionary<string, IReadOnlyList<string>> { [Resource] = ["Mail.Send"] },
                },
            ],
        };
    }

    /// <summary>A TEST-ONLY key file from spec/vectors/keys, copied next to the program.</summary>
    public static string KeyPath(string fileName) => Path.Combine(AppContext.BaseDirectory, "keys", fileName);
}
