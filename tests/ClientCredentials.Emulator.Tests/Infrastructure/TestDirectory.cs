using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Emulator.Tests.Infrastructure;

/// <summary>The tenants, apps, resources and credentials most tests share (ids from <see cref="TestIds"/>).</summary>
internal static class TestDirectory
{
    public const string TenantId = TestIds.TenantId;
    public const string Domain = TestIds.TenantDomain;
    public const string OtherTenantId = TestIds.OtherTenantId;

    public const string SecretClientId = TestIds.SecretAppId;
    public const string Secret = "s3cr3t~value:with+special&chars= %";
    public const string ExpiredSecret = "expired-secret-value";

    public const string CertClientId = TestIds.CertificateAppId;
    public const string ThumbprintOnlyClientId = TestIds.ThumbprintOnlyAppId;
    public const string FederatedClientId = TestIds.FederatedAppId;
    public const string OtherTenantClientId = TestIds.OtherTenantAppId;

    public const string ApiUri = "api://sample-api";
    public const string ApiAppId = TestIds.ResourceAppId;
    public const string GraphUri = "https://graph.microsoft.com";

    public const string KeylessClientId = TestIds.KeylessAppId;
    public const string SystemIdentityObjectId = TestIds.SystemManagedIdentityObjectId;
    public const string UserIdentityObjectId = TestIds.ManagedIdentityObjectId;
    public const string UserIdentityClientId = TestIds.ManagedIdentityClientId;
    public const string UserIdentityResourceId = "/subscriptions/dddddddd-0000-0000-0000-000000000001/resourceGroups/rg-keyless/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-keyless";
    public const string AppServiceHeader = "app-service-identity-header-value";

    public const string FederatedIssuer = "https://token.actions.example.com";
    public const string FederatedSubject = "repo:contoso/app:environment:prod";
    public const string FederatedAudience = "api://AzureADTokenExchange";

    public static readonly RSA FederatedKey = RSA.Create(2048);
    public static readonly X509Certificate2 RsaCertificate = TestCertificates.Rsa(subject: "CN=emulator-test-rsa");
    public static readonly X509Certificate2 EcCertificate = TestCertificates.EcP256("CN=emulator-test-ec");
    public static readonly X509Certificate2 ThumbprintOnlyCertificate = TestCertificates.Rsa(subject: "CN=emulator-test-sni");

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
