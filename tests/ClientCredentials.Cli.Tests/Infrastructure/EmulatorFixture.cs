using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClientCredentials.Cli.Certificates;
using ClientCredentials.Emulator;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Cli.Tests.Infrastructure;

/// <summary>
/// One running emulator per test class, with a tenant, a resource, and apps for every credential kind: secret +
/// certificate, an expired secret, a thumbprint-only certificate (x5c needed), and a federated credential. The
/// certificates are also written as files (PFX with password, PFX without, PEM) for <c>--certificate</c>. Ids come
/// from <see cref="TestIds"/>.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public const string TenantId = TestIds.TenantId;
    public const string TenantDomain = TestIds.TenantDomain;
    public const string Resource = "api://orders";
    public const string ResourceAppId = TestIds.ResourceAppId;
    public const string Role = "Orders.Read";
    public const string AppId = TestIds.SecretAppId;
    public const string ExpiredSecretAppId = TestIds.ExpiredSecretAppId;
    public const string ThumbprintOnlyAppId = TestIds.ThumbprintOnlyAppId;
    public const string FederatedAppId = TestIds.FederatedAppId;
    public const string FederatedIssuer = "https://oidc.cluster.test";
    public const string FederatedSubject = "system:serviceaccount:orders:daemon";
    public const string KeylessAppId = TestIds.KeylessAppId;
    public const string SystemIdentityObjectId = TestIds.SystemManagedIdentityObjectId;
    public const string UserIdentityObjectId = TestIds.ManagedIdentityObjectId;
    public const string UserIdentityClientId = TestIds.ManagedIdentityClientId;
    public const string AppServiceHeader = "app-service-HEADER-value_4d1e";

    /// <summary>Distinctive so that any leak into output is caught by a plain substring search.</summary>
    public const string Secret = "Sx9~Q2uG.very-secret-VALUE_7f3a";
    public const string ExpiredSecret = "Ex7~expired-secret-VALUE_19c2";
    public const string PfxPassword = "pfx-Pa55word!";

    private readonly TestDirectory _directory = new();

    public EmulatorServer Server { get; private set; } = null!;

    public X509Certificate2 Certificate { get; private set; } = null!;

    public X509Certificate2 UnregisteredCertificate { get; private set; } = null!;

    public RSA FederatedKey { get; } = RSA.Create(2048);

    public string PfxPath => _directory.File("app.pfx");

    public string PfxWithoutPasswordPath => _directory.File("app-nopass.pfx");

    public string PemPath => _directory.File("app.pem");

    public string UnregisteredPfxPath => _directory.File("unregistered.pfx");

    public string ThumbprintOnlyPfxPath => _directory.File("thumbprint-only.pfx");

    public X509Certificate2 ThumbprintOnlyCertificate { get; private set; } = null!;

    public string Instance => Server.BaseAddress.AbsoluteUri.TrimEnd('/');

    public string TokenEndpoint => Server.GetTokenEndpoint(TenantId).AbsoluteUri;

    /// <summary><c>--instance ... --tenant ... --client-id ... --resource ...</c> for the main app.</summary>
    public string[] EntraArgs(string clientId = AppId, string tenant = TenantId) =>
        ["token", "--instance", Instance, "--tenant", tenant, "--client-id", clientId, "--resource", Resource];

    public static IReadOnlyDictionary<string, string> SecretEnvironment(string secret = Secret) =>
        new Dictionary<string, string> { ["APP_SECRET"] = secret, ["PFX_PASSWORD"] = PfxPassword };

    public async Task InitializeAsync()
    {
        var now = DateTimeOffset.UtcNow;
        Certificate = SelfSignedCertificateFactory.Create("CN=cli-tests app", 2048, TimeSpan.FromDays(2), now);
        UnregisteredCertificate = SelfSignedCertificateFactory.Create("CN=cli-tests unregistered", 2048, TimeSpan.FromDays(2), now);
        ThumbprintOnlyCertificate = SelfSignedCertificateFactory.Create("CN=cli-tests sni", 2048, TimeSpan.FromDays(2), now);
        File.WriteAllBytes(PfxPath, Certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, PfxPassword));
        File.WriteAllBytes(PfxWithoutPasswordPath, Certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, null));
        File.WriteAllText(PemPath, Certificate.ExportCertificatePem() + "\n" + Certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
        File.WriteAllBytes(UnregisteredPfxPath, UnregisteredCertificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, null));
        File.WriteAllBytes(ThumbprintOnlyPfxPath, ThumbprintOnlyCertificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, null));

        var roles = new Dictionary<string, IReadOnlyList<string>> { [Resource] = [Role] };
        Server = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            Tenants = [new EmulatorTenant { Id = TenantId, Domains = [TenantDomain] }],
            Resources = [new EmulatorResource { AppIdUri = Resource, AppId = ResourceAppId, Roles = [Role] }],
            Applications =
            [
                new EmulatorApplication
                {
                    ClientId = AppId,
                    Secrets = [new EmulatorSecret { Value = Secret }],
                    Certificates = [new EmulatorCertificate { Certificate = Convert.ToBase64String(Certificate.RawData) }],
                    Roles = roles,
                },
                new EmulatorApplication
                {
                    ClientId = ExpiredSecretAppId,
                    Secrets = [new EmulatorSecret { Value = ExpiredSecret, ExpiresOn = now.AddDays(-1) }],
                    Roles = roles,
                },
                new EmulatorApplication
                {
                    ClientId = ThumbprintOnlyAppId,
                    Certificates = [new EmulatorCertificate { ThumbprintSha256 = Convert.ToHexString(SHA256.HashData(ThumbprintOnlyCertificate.RawData)) }],
                    Roles = roles,
                },
                new EmulatorApplication
                {
                    ClientId = FederatedAppId,
                    FederatedCredentials = [new EmulatorFederatedCredential { Issuer = FederatedIssuer, Subject = FederatedSubject, SigningKeys = [FederatedKey.ExportSubjectPublicKeyInfoPem()] }],
                    Roles = roles,
                },
                new EmulatorApplication
                {
                    ClientId = KeylessAppId,
                    FederatedCredentials = [new EmulatorFederatedCredential { ManagedIdentity = UserIdentityObjectId }],
                    Roles = roles,
                },
            ],
            ManagedIdentities =
            [
                new EmulatorManagedIdentity { ObjectId = SystemIdentityObjectId, SystemAssigned = true, Roles = roles },
                new EmulatorManagedIdentity { ObjectId = UserIdentityObjectId, ClientId = UserIdentityClientId },
            ],
            AppServiceIdentityHeader = AppServiceHeader,
            ProtectedApi = new EmulatorProtectedApi { Resource = Resource, RequiredRole = Role },
        });
    }

    /// <summary>A projected service account token as Kubernetes writes it, signed by the federated issuer's key.</summary>
    public string FederatedToken(TimeSpan lifetime) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = FederatedIssuer,
        Audience = "api://AzureADTokenExchange",
        Subject = new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim("sub", FederatedSubject)]),
        IssuedAt = DateTime.UtcNow,
        NotBefore = DateTime.UtcNow,
        Expires = DateTime.UtcNow + lifetime,
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(FederatedKey), SecurityAlgorithms.RsaSha256),
    });

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Certificate.Dispose();
        UnregisteredCertificate.Dispose();
        ThumbprintOnlyCertificate.Dispose();
        FederatedKey.Dispose();
        _directory.Dispose();
    }
}
