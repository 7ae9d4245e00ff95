using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Extensions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ClientCredentials.Protocol.Extensions.Tests;

/// <summary>
/// The Credentials array is tried in order and the first entry that loads wins. The emulator's <c>azpacr</c> claim
/// shows which one authenticated: 1 = client secret, 2 = certificate or federated assertion.
/// </summary>
[Collection("loopback")]
public sealed class CredentialChainTests(LoopbackFixture fixture) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cc-ext-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_missing_certificate_file_is_skipped_and_the_secret_after_it_is_used()
    {
        var host = await StartMixedAsync(
            new JsonObject { ["SourceType"] = "CertificateFile", ["CertificatePath"] = Path.Combine(_directory, "absent.pfx"), ["CertificatePassword"] = "x" },
            Secret());
        await using (host)
        {
            Assert.Equal("1", await CallAndReadAzpacrAsync(host));
            var skipped = Assert.Single(host.Logs.Entries, e => e.EventId == 3101);
            Assert.Contains("absent.pfx", skipped.Message, StringComparison.Ordinal);
            Assert.Contains(host.Logs.Entries, e => e.EventId == 3102 && e.Message.Contains("credential 1 (ClientSecret)", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_first_entry_that_loads_wins_even_when_later_ones_would_work()
    {
        var host = await StartMixedAsync(
            new JsonObject { ["SourceType"] = "CertificateBase64", ["CertificateBase64"] = fixture.CertificatePfxBase64, ["CertificatePassword"] = LoopbackFixture.CertificatePassword },
            Secret());
        await using (host)
        {
            Assert.Equal("2", await CallAndReadAzpacrAsync(host));
            Assert.DoesNotContain(host.Logs.Entries, e => e.EventId == 3101);
        }
    }

    [Fact]
    public async Task A_certificate_absent_from_the_store_is_skipped_for_a_pfx_file_with_its_password()
    {
        var pfx = Path.Combine(_directory, "client.pfx");
        await File.WriteAllBytesAsync(pfx, fixture.Certificate.Export(X509ContentType.Pfx, LoopbackFixture.CertificatePassword));
        var host = await StartMixedAsync(
            new JsonObject { ["SourceType"] = "CertificateStore", ["CertificateThumbprint"] = new string('A', 40) },
            new JsonObject { ["SourceType"] = "CertificateFile", ["CertificatePath"] = pfx, ["CertificatePassword"] = LoopbackFixture.CertificatePassword });
        await using (host)
        {
            Assert.Equal("2", await CallAndReadAzpacrAsync(host));
            Assert.Contains(host.Logs.Entries, e => e.EventId == 3101 && e.Message.Contains("no certificate with thumbprint", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_wrong_pfx_password_is_skipped_without_logging_the_password()
    {
        var pfx = Path.Combine(_directory, "client.pfx");
        await File.WriteAllBytesAsync(pfx, fixture.Certificate.Export(X509ContentType.Pfx, LoopbackFixture.CertificatePassword));
        var host = await StartMixedAsync(
            new JsonObject { ["SourceType"] = "CertificateFile", ["CertificatePath"] = pfx, ["CertificatePassword"] = "wrong-password-77" },
            Secret());
        await using (host)
        {
            Assert.Equal("1", await CallAndReadAzpacrAsync(host));
            Assert.Contains(host.Logs.Entries, e => e.EventId == 3101);
            Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains("wrong-password-77", StringComparison.Ordinal) || e.Message.Contains(LoopbackFixture.MixedSecret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_certificate_is_found_in_the_current_user_store_by_subject()
    {
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(fixture.Certificate);
        try
        {
            var host = await StartMixedAsync(new JsonObject { ["SourceType"] = "CertificateStore", ["StoreLocation"] = "CurrentUser", ["CertificateSubject"] = fixture.Certificate.Subject });
            await using (host)
            {
                Assert.Equal("2", await CallAndReadAzpacrAsync(host));
            }
        }
        finally
        {
            store.Remove(fixture.Certificate);
        }
    }

    [Fact]
    public async Task A_federated_token_file_is_used_after_a_missing_one()
    {
        var tokenFile = Path.Combine(_directory, "token");
        await File.WriteAllTextAsync(tokenFile, fixture.CreateFederatedToken());
        var configuration = TestHost.EntraClient(fixture, LoopbackFixture.FederatedClientId, new JsonArray(
            new JsonObject { ["SourceType"] = "FederatedTokenFile", ["TokenFilePath"] = Path.Combine(_directory, "missing-token") },
            new JsonObject { ["SourceType"] = "FederatedTokenFile", ["TokenFilePath"] = tokenFile }));
        await using var host = await TestHost.StartAsync(fixture, configuration);

        Assert.Equal("2", await CallAndReadAzpacrAsync(host));
        Assert.Contains(host.Logs.Entries, e => e.EventId == 3101 && e.Message.Contains("missing-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_assertion_provider_registered_under_the_client_name_supplies_the_assertion()
    {
        fixture.Api.Reset();
        var provider = new FederatedAssertionProvider(fixture);
        var configuration = TestHost.EntraClient(fixture, LoopbackFixture.FederatedClientId, new JsonArray(
            new JsonObject { ["SourceType"] = "AssertionProvider", ["ProviderKey"] = "unregistered" },
            new JsonObject { ["SourceType"] = "AssertionProvider" }));
        await using var host = await TestHost.StartAsync(fixture, configuration, services =>
            services.AddKeyedSingleton<IClientAssertionProvider>("api", provider));

        using var response = await host.ApiClient.GetAsync("orders");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var context = Assert.Single(provider.Contexts);
        Assert.Equal(LoopbackFixture.FederatedClientId, context.ClientId);
        Assert.Equal(fixture.Emulator.GetTokenEndpoint(LoopbackFixture.TenantId), context.TokenEndpoint);
        Assert.Contains(host.Logs.Entries, e => e.EventId == 3101 && e.Message.Contains("'unregistered'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_no_credential_loads_the_error_names_the_key_and_every_reason_and_the_api_is_not_called()
    {
        fixture.Api.Reset();
        var host = await StartMixedAsync(
            new JsonObject { ["SourceType"] = "CertificateFile", ["CertificatePath"] = Path.Combine(_directory, "absent.pfx") },
            new JsonObject { ["SourceType"] = "FederatedTokenFile", ["TokenFilePath"] = Path.Combine(_directory, "absent-token") });
        await using (host)
        {
            var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => host.ApiClient.GetAsync("orders"));

            Assert.Equal("ClientCredentials:api:Credentials", error.Setting);
            Assert.Contains("[0] CertificateFile", error.Message, StringComparison.Ordinal);
            Assert.Contains("[1] FederatedTokenFile", error.Message, StringComparison.Ordinal);
            Assert.Empty(fixture.Api.Calls);
        }
    }

    [Fact]
    public async Task A_credential_that_appears_after_a_failed_attempt_is_found_on_the_next_request()
    {
        fixture.Api.Reset();
        var tokenFile = Path.Combine(_directory, "late-token");
        var configuration = TestHost.EntraClient(fixture, LoopbackFixture.FederatedClientId, new JsonArray(
            new JsonObject { ["SourceType"] = "FederatedTokenFile", ["TokenFilePath"] = tokenFile }));
        await using var host = await TestHost.StartAsync(fixture, configuration);
        await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => host.ApiClient.GetAsync("orders"));

        await File.WriteAllTextAsync(tokenFile, fixture.CreateFederatedToken());
        using var response = await host.ApiClient.GetAsync("orders");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(fixture.Api.Calls);
    }

    private static JsonObject Secret() => new() { ["SourceType"] = "ClientSecret", ["ClientSecret"] = LoopbackFixture.MixedSecret };

    private Task<TestHost> StartMixedAsync(params JsonObject[] credentials)
    {
        fixture.Api.Reset();
        return TestHost.StartAsync(fixture, TestHost.EntraClient(fixture, LoopbackFixture.MixedClientId, new JsonArray(credentials)));
    }

    private async Task<string?> CallAndReadAzpacrAsync(TestHost host)
    {
        using var response = await host.ApiClient.GetAsync("orders");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = fixture.Api.Calls[^1].BearerToken;
        return new JsonWebToken(token).GetPayloadValue<string>("azpacr");
    }

    private sealed class FederatedAssertionProvider(LoopbackFixture fixture) : IClientAssertionProvider
    {
        public List<ClientAssertionContext> Contexts { get; } = [];

        public ValueTask<string> GetAssertionAsync(ClientAssertionContext context, CancellationToken cancellationToken)
        {
            Contexts.Add(context);
            return ValueTask.FromResult(fixture.CreateFederatedToken());
        }
    }
}
