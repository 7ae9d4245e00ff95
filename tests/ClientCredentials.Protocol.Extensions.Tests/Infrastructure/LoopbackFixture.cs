using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClientCredentials.Emulator;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Protocol.Extensions.Tests.Infrastructure;

/// <summary>
/// The emulator (token endpoint) and the sample API, both on 127.0.0.1, shared by every test. Tests run one at a
/// time in the <c>loopback</c> collection, so the API script and the process-wide metrics belong to one test.
/// </summary>
public sealed class LoopbackFixture : IAsyncLifetime
{
    public const string TenantId = TestIds.TenantId;
    public const string SecretClientId = TestIds.SecretAppId;
    public const string Secret = "ext-test-secret~value";
    public const string MixedClientId = TestIds.CertificateAppId;
    public const string MixedSecret = "mixed-app-secret-value";
    public const string FederatedClientId = TestIds.FederatedAppId;
    public const string FederatedIssuer = "https://issuer.workload.test";
    public const string FederatedSubject = "system:serviceaccount:default:orders";
    public const string KeylessClientId = TestIds.KeylessAppId;
    public const string IdentityObjectId = TestIds.ManagedIdentityObjectId;
    public const string IdentityClientId = TestIds.ManagedIdentityClientId;
    public const string ApiResource = "api://sample-api";
    public const string ApiScope = ApiResource + "/.default";
    public const string CertificatePassword = "pfx-pass-42";

    public EmulatorServer Emulator { get; private set; } = null!;

    public TestApi Api { get; private set; } = null!;

    /// <summary>An RSA certificate registered for <see cref="MixedClientId"/>, with an exportable private key.</summary>
    public X509Certificate2 Certificate { get; } = TestCertificates.ExportableRsa($"CN=cc-ext-tests-{Guid.NewGuid():N}");

    public RSA FederatedKey { get; } = RSA.Create(2048);

    public string CertificatePfxBase64 => Convert.ToBase64String(Certificate.Export(X509ContentType.Pfx, CertificatePassword));

    public async Task InitializeAsync()
    {
        var options = new EmulatorOptions
        {
            Tenants = [new EmulatorTenant { Id = TenantId, Domains = [TestIds.TenantDomain] }],
            Resources = [new EmulatorResource { AppIdUri = ApiResource, Roles = ["Data.Read"] }],
            Applications =
            [
                new EmulatorApplication
                {
                    ClientId = SecretClientId,
                    Secrets = [new EmulatorSecret { Value = Secret }],
                    Roles = new Dictionary<string, IReadOnlyList<string>> { [ApiResource] = ["Data.Read"] },
                },
                new EmulatorApplication
                {
                    ClientId = MixedClientId,
                    Secrets = [new EmulatorSecret { Value = MixedSecret }],
                    Certificates = [new EmulatorCertificate { Certificate = Convert.ToBase64String(Certificate.RawData) }],
                    Roles = new Dictionary<string, IReadOnlyList<string>> { [ApiResource] = ["Data.Read"] },
                },
                new EmulatorApplication
                {
                    ClientId = FederatedClientId,
                    FederatedCredentials = [new EmulatorFederatedCredential { Issuer = FederatedIssuer, Subject = FederatedSubject, SigningKeys = [FederatedKey.ExportSubjectPublicKeyInfoPem()] }],
                    Roles = new Dictionary<string, IReadOnlyList<string>> { [ApiResource] = ["Data.Read"] },
                },
                new EmulatorApplication
                {
                    ClientId = KeylessClientId,
                    FederatedCredentials = [new EmulatorFederatedCredential { ManagedIdentity = IdentityObjectId }],
                    Roles = new Dictionary<string, IReadOnlyList<string>> { [ApiResource] = ["Data.Read"] },
                },
            ],
            ManagedIdentities = [new EmulatorManagedIdentity { ObjectId = IdentityObjectId, ClientId = IdentityClientId }],
        };
        Emulator = await EmulatorServer.StartAsync(options);
        Api = await TestApi.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Emulator.DisposeAsync();
        Certificate.Dispose();
        FederatedKey.Dispose();
    }

    /// <summary>A projected-service-account-style token the emulator accepts for <see cref="FederatedClientId"/>.</summary>
    public string CreateFederatedToken() => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = FederatedIssuer,
        Audience = "api://AzureADTokenExchange",
        Claims = new Dictionary<string, object> { ["sub"] = FederatedSubject, ["jti"] = Guid.NewGuid().ToString() },
        IssuedAt = DateTime.UtcNow,
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        Expires = DateTime.UtcNow.AddMinutes(30),
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(FederatedKey), SecurityAlgorithms.RsaSha256),
    });
}

[CollectionDefinition("loopback")]
public sealed class LoopbackCollection : ICollectionFixture<LoopbackFixture>;
