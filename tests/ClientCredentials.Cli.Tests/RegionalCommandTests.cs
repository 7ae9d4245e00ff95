using System.Net;
using ClientCredentials.Cli.Hosting;
using ClientCredentials.Cli.Tests.Infrastructure;
using ClientCredentials.Emulator;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Tests;

/// <summary>
/// Regional endpoints against the emulator's regional alias (127.0.0.2 standing in for westus2.login.microsoft.com):
/// through the library and through <c>cc-token token --region</c>.
/// </summary>
public sealed class RegionalCommandTests : IAsyncLifetime
{
    private const string TenantId = "11111111-1111-1111-1111-111111111111";
    private const string AppId = "aaaaaaaa-0000-0000-0000-000000000001";
    private const string Resource = "api://orders";
    private const string Secret = "regional-test-SECRET_19";
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _certificate = Certificates.SelfSignedCertificateFactory.Create("CN=regional-tests", 2048, TimeSpan.FromDays(2), DateTimeOffset.UtcNow);
    private EmulatorServer _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorServer.StartAsync(
        new EmulatorOptions
        {
            Tenants = [new EmulatorTenant { Id = TenantId }],
            Resources = [new EmulatorResource { AppIdUri = Resource }],
            Applications = [new EmulatorApplication { ClientId = AppId, Secrets = [new EmulatorSecret { Value = Secret }], Certificates = [new EmulatorCertificate { Certificate = Convert.ToBase64String(_certificate.RawData) }] }],
        },
        new EmulatorServerSettings { RegionalAlias = IPAddress.Parse("127.0.0.2") });

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _certificate.Dispose();
    }

    private ClientCredentialsClient Client(ClientCredential credential) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.Entra(TenantId, _emulator.BaseAddress.AbsoluteUri, EntraRegion.Named("westus2", _emulator.RegionalBaseAddress!.AbsoluteUri)),
        ClientId = AppId,
        Credential = credential,
        Scopes = [ClientCredentialsScope.FromResource(Resource)],
        Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
    });

    [Fact]
    public async Task The_regional_alias_accepts_an_assertion_whose_aud_is_the_regional_endpoint()
    {
        var token = await Client(new CertificateCredential(_certificate)).GetTokenAsync();
        Assert.Equal(RegionalRoute.Regional, token.RegionalRoute);
    }

    [Fact]
    public async Task When_the_regional_alias_fails_the_global_endpoint_answers_and_the_token_says_so()
    {
        _emulator.SetRegionalFaults(new EmulatorFaults { ForcedStatusCodes = [500] });
        var token = await Client(new CertificateCredential(_certificate)).GetTokenAsync();
        Assert.Equal(RegionalRoute.GlobalAfterRegionalFailure, token.RegionalRoute);
    }

    [Fact]
    public async Task Cc_token_with_region_reports_the_route()
    {
        var result = await CcToken.RunAsync(
            ["token", "--instance", _emulator.BaseAddress.AbsoluteUri, "--region", "westus2", "--regional-instance", _emulator.RegionalBaseAddress!.AbsoluteUri, "--tenant", TenantId, "--client-id", AppId, "--resource", Resource, "--secret-env", "APP_SECRET", "-o", "json", "--verbose"],
            new Dictionary<string, string> { ["APP_SECRET"] = Secret });

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal("regional", result.Json().GetProperty("regional_route").GetString());
        Assert.Contains("> POST http://127.0.0.2:", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_region_outside_a_z0_9_is_refused_before_sending()
    {
        var result = await CcToken.RunAsync(
            ["token", "--instance", _emulator.BaseAddress.AbsoluteUri, "--region", "West US", "--tenant", TenantId, "--client-id", AppId, "--resource", Resource, "--secret-env", "APP_SECRET"],
            new Dictionary<string, string> { ["APP_SECRET"] = Secret });
        Assert.Equal(ExitCodes.Configuration, result.ExitCode);
        Assert.Contains("Region", result.Stderr, StringComparison.Ordinal);
    }
}
