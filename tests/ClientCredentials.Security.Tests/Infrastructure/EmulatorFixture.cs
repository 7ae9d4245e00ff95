using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClientCredentials.Emulator;

namespace ClientCredentials.Security.Tests.Infrastructure;

/// <summary>
/// One emulator on 127.0.0.1 for the emulator attack tests: a tenant, a resource, an app with a registered
/// certificate and an app with a federated credential. Every log event it writes, Kestrel's included, is captured.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public CapturedLogs Logs { get; } = new();

    public EmulatorServer Server { get; private set; } = null!;

    public RSA CertificateKey { get; } = RSA.Create(2048);

    public X509Certificate2 Certificate { get; private set; } = null!;

    public RSA FederatedKey { get; } = RSA.Create(2048);

    public Uri TokenEndpoint => Server.GetTokenEndpoint(TestIds.TenantId);

    public async Task InitializeAsync()
    {
        var request = new CertificateRequest("CN=security-suite", CertificateKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        var roles = new Dictionary<string, IReadOnlyList<string>> { [TestIds.Resource] = ["Orders.Read"] };
        Server = await EmulatorServer.StartAsync(
            new EmulatorOptions
            {
                Tenants = [new EmulatorTenant { Id = TestIds.TenantId, Domains = ["contoso.onmicrosoft.com"] }],
                Resources = [new EmulatorResource { AppIdUri = TestIds.Resource, Roles = ["Orders.Read"] }],
                Applications =
                [
                    new EmulatorApplication
                    {
                        ClientId = TestIds.ClientId,
                        Secrets = [new EmulatorSecret { Value = TestIds.Secret }],
                        Certificates = [new EmulatorCertificate { Certificate = Convert.ToBase64String(Certificate.RawData) }],
                        Roles = roles,
                    },
                    new EmulatorApplication
                    {
                        ClientId = TestIds.FederatedClientId,
                        FederatedCredentials = [new EmulatorFederatedCredential { Issuer = TestIds.FederatedIssuer, Subject = TestIds.FederatedSubject, SigningKeys = [FederatedKey.ExportSubjectPublicKeyInfoPem()] }],
                        Roles = roles,
                    },
                ],
            },
            new EmulatorServerSettings { LoggerFactory = Logs });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Certificate.Dispose();
        CertificateKey.Dispose();
        FederatedKey.Dispose();
    }
}
