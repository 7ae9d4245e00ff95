using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Emulator.Tests.Infrastructure;

/// <summary>The tenants, apps, resources and credentials most tests share.</summary>
internal static class TestDirectory
{
    public const string TenantId = "11111111-1111-1111-1111-111111111111";
    public const string Domain = "contoso.onmicrosoft.com";
    public const string OtherTenantId = "22222222-2222-2222-2222-222222222222";

    public const string SecretClientId = "aaaaaaaa-0000-0000-0000-000000000001";
    public const string Secret = "s3cr3t~value:with+special&chars= %";
    public const string ExpiredSecret = "expired-secret-value";

    public const string CertClientId = "aaaaaaaa-0000-0000-0000-000000000002";
    public const string ThumbprintOnlyClientId = "aaaaaaaa-0000-0000-0000-000000000003";
    public const string FederatedClientId = "aaaaaaaa-0000-0000-0000-000000000004";
    public const string OtherTenantClientId = "aaaaaaaa-0000-0000-0000-000000000005";

    public const string ApiUri = "api://sample-api";
    public const string ApiAppId = "bbbbbbbb-0000-0000-0000-000000000001";
    public const string GraphUri = "https://graph.microsoft.com";

    public const string KeylessClientId = "aaaaaaaa-0000-0000-0000-000000000006";
    public const string SystemIdentityObjectId = "cccccccc-0000-0000-0000-000000000001";
    public const string UserIdentityObjectId = "cccccccc-0000-0000-0000-000000000002";
    public const string UserIdentityClientId = "cccccccc-0000-0000-0000-000000000003";
    public const string UserIdentityResourceId = "/subscriptions/dddddddd-0000-0000-0000-000000000001/resourceGroups/rg-keyless/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-keyless";
    public const string AppServiceHeader = "app-service-identity-header-value";

    public const string FederatedIssuer = "https://token.actions.example.com";
    public const string FederatedSubject = "repo:contoso/app:environment:prod";
    public const string FederatedAudience = "api://AzureADTokenExchange";

    public static readonly RSA FederatedKey = RSA.Create(2048);
    public static readonly X509Certificate2 RsaCertificate = TestCertificates.CreateRsa("CN=emulator-test-rsa");
    public static readonly X509Certificate2 EcCertificate = TestCertificates.CreateEc("CN=emulator-test-ec");
    public static readonly X509Certificate2 ThumbprintOnlyCertificate = TestCertificates.CreateRsa("CN=emulator-test-sni");

    public static EmulatorOptions Options(EmulatorFaults? faults = null, TimeSpan? tokenLifetime = null) => new()
    {
        Tenants =
        [
            new EmulatorTenant { Id = TenantId, Domains = [Domain] },
            new EmulatorTenant { Id = OtherTenantId },
        ],
        Resources =
        [
            new EmulatorResource { AppIdUri = ApiUri, AppId = ApiAppId, Roles = ["Data.Read", "Data.Write"] },
            new EmulatorResource { AppIdUri = GraphUri, Roles = ["User.Read.All"] },
        ],
        Applications =
        [
            new EmulatorApplication
            {
                ClientId = SecretClientId,
                TenantId = TenantId,
                DisplayName = "secret app",
                Secrets =
                [
                    new EmulatorSecret { Value = Secret, ExpiresOn = DateTimeOffset.UtcNow.AddYears(1) },
                    new EmulatorSecret { Value = ExpiredSecret, ExpiresOn = DateTimeOffset.UtcNow.AddDays(-1) },
                ],
                Roles = new Dictionary<string, IReadOnlyList<string>> { [ApiUri] = ["Data.Read"] },
            },
            new EmulatorApplication
            {
                ClientId = CertClientId,
                TenantId = Domain,
                Certificates =
                [
                    new EmulatorCertificate { Certificate = Convert.ToBase64String(RsaCertificate.RawData) },
                    new EmulatorCertificate { Certificate = EcCertificate.ExportCertificatePem() },
                ],
                Roles = new Dictionary<string, IReadOnlyList<string>> { [ApiAppId] = ["Data.Read", "Data.Write"] },
            },
            new EmulatorApplication
            {
                ClientId = ThumbprintOnlyClientId,
                TenantId = TenantId,
                Certificates = [new EmulatorCertificate { ThumbprintSha256 = Convert.ToHexString(SHA256.HashData(ThumbprintOnlyCertificate.RawData)) }],
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
                        SigningKeys = [FederatedKey.ExportSubjectPublicKeyInfoPem()],
                    },
                ],
                Roles = new Dictionary<string, IReadOnlyList<string>> { [ApiUri] = ["Data.Write"] },
            },
            new EmulatorApplication
            {
                ClientId = KeylessClientId,
                TenantId = TenantId,
                DisplayName = "keyless app",
                FederatedCredentials = [new EmulatorFederatedCredential { ManagedIdentity = UserIdentityObjectId }],
                Roles = new Dictionary<string, IReadOnlyList<string>> { [ApiUri] = ["Data.Read"] },
            },
            new EmulatorApplication
            {
                ClientId = OtherTenantClientId,
                TenantId = OtherTenantId,
                Secrets = [new EmulatorSecret { Value = Secret }],
            },
        ],
        ManagedIdentities =
        [
            new EmulatorManagedIdentity { ObjectId = SystemIdentityObjectId, TenantId = TenantId, SystemAssigned = true, Roles = new Dictionary<string, IReadOnlyList<string>> { [ApiUri] = ["Data.Read"] } },
            new EmulatorManagedIdentity { ObjectId = UserIdentityObjectId, ClientId = UserIdentityClientId, TenantId = TenantId, ResourceId = UserIdentityResourceId },
        ],
        AppServiceIdentityHeader = AppServiceHeader,
        ProtectedApi = new EmulatorProtectedApi { Resource = ApiUri, RequiredRole = "Data.Read" },
        Faults = faults ?? new EmulatorFaults(),
        AccessTokenLifetime = tokenLifetime ?? TimeSpan.FromSeconds(3599),
    };
}
