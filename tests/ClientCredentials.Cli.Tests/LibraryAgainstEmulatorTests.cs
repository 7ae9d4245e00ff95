using ClientCredentials.Cli.Tests.Infrastructure;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Tests;

/// <summary>The library itself against the emulator: tokens validate, and rejections surface as typed errors with their AADSTS code.</summary>
public sealed class LibraryAgainstEmulatorTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Secret_and_certificate_tokens_validate_and_the_second_call_is_a_cache_hit()
    {
        using var http = new HttpClient();
        var secretClient = Client(new ClientSecretCredential(EmulatorFixture.Secret), http);
        var certificateClient = Client(new CertificateCredential(emulator.Certificate), http);

        var first = await secretClient.GetTokenAsync();
        var second = await secretClient.GetTokenAsync();
        var byCertificate = await certificateClient.GetTokenAsync();

        await IssuedTokens.ValidateAsync(emulator, first.Token);
        await IssuedTokens.ValidateAsync(emulator, byCertificate.Token);
        Assert.Equal(TokenSource.IdentityProvider, first.Source);
        Assert.Equal(TokenSource.Cache, second.Source);
        Assert.Equal(first.Token, second.Token);
        Assert.Equal("1", (await IssuedTokens.ValidateAsync(emulator, first.Token)).GetPayloadValue<string>("azpacr"));
        Assert.Equal("2", (await IssuedTokens.ValidateAsync(emulator, byCertificate.Token)).GetPayloadValue<string>("azpacr"));
    }

    [Theory]
    [InlineData(EmulatorFixture.AppId, "wrong-secret", 7000215)]
    [InlineData(EmulatorFixture.ExpiredSecretAppId, EmulatorFixture.ExpiredSecret, 7000222)]
    [InlineData(TestIds.UnknownAppId, EmulatorFixture.Secret, 700016)]
    public async Task Rejections_surface_as_TokenEndpointException_with_the_AADSTS_code_and_no_secret(string clientId, string secret, int code)
    {
        using var http = new HttpClient();
        var client = Client(new ClientSecretCredential(secret), http, clientId);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());

        Assert.Equal([code], error.ErrorCodes);
        Assert.False(error.IsTransient);
        Assert.NotNull(error.Remedy);
        Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unregistered_certificate_surfaces_AADSTS700027()
    {
        using var http = new HttpClient();
        var client = Client(new CertificateCredential(emulator.UnregisteredCertificate), http);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());

        Assert.Equal([700027], error.ErrorCodes);
    }

    [Fact]
    public async Task Keyless_the_managed_identity_token_is_the_apps_assertion_and_the_app_token_calls_the_API()
    {
        using var guard = new ClientCredentials.Protocol.Testing.LoopbackOnlyHandler();
        using var http = new HttpClient(guard, disposeHandler: false);
        var managedIdentity = new ManagedIdentityCredential(new ManagedIdentityOptions
        {
            Id = ManagedIdentityId.FromClientId(EmulatorFixture.UserIdentityClientId),
            GetEnvironmentVariable = name => name == "AZURE_POD_IDENTITY_AUTHORITY_HOST" ? emulator.Server.ImdsBaseAddress.AbsoluteUri : null,
            HttpClient = http,
        });
        var client = Client(new ManagedIdentityFederatedCredential(managedIdentity), http, EmulatorFixture.KeylessAppId);

        var token = await client.GetTokenAsync();
        var again = await Client(new ManagedIdentityFederatedCredential(managedIdentity), http, EmulatorFixture.KeylessAppId).GetTokenAsync();

        var claims = await IssuedTokens.ValidateAsync(emulator, token.Token);
        Assert.Equal(EmulatorFixture.KeylessAppId, claims.GetPayloadValue<string>("azp"));
        Assert.Equal("2", claims.GetPayloadValue<string>("azpacr"));
        Assert.Equal(TokenSource.IdentityProvider, again.Source);

        // One managed identity request served both app tokens: the assertion came from the credential's cache.
        Assert.Single(guard.Destinations, uri => uri.AbsolutePath == "/metadata/identity/oauth2/token");
        Assert.Empty(guard.Refused);
        using var api = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.Server.BaseAddress, "api/whoami"));
        api.Headers.Authorization = new("Bearer", token.Token);
        using var answer = await http.SendAsync(api);
        Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
    }

    [Fact]
    public async Task Keyless_with_an_identity_the_app_does_not_trust_surfaces_AADSTS700213()
    {
        using var http = new HttpClient();
        var managedIdentity = new ManagedIdentityCredential(new ManagedIdentityOptions
        {
            ImdsEndpoint = emulator.Server.ImdsBaseAddress,
            Source = ManagedIdentitySource.Imds,
            HttpClient = http,
        });
        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await Client(new ManagedIdentityFederatedCredential(managedIdentity), http, EmulatorFixture.KeylessAppId).GetTokenAsync());
        Assert.Equal([700213], error.ErrorCodes);
    }

    [Fact]
    public void A_managed_identity_federated_credential_is_refused_for_a_non_Entra_authority() =>
        Assert.Equal("Credential", Assert.Throws<ClientCredentialsConfigurationException>(() => new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.TokenEndpoint(new Uri(emulator.TokenEndpoint)),
            ClientId = EmulatorFixture.KeylessAppId,
            Credential = new ManagedIdentityFederatedCredential(new ManagedIdentityCredential(new ManagedIdentityOptions { ImdsEndpoint = emulator.Server.ImdsBaseAddress, Source = ManagedIdentitySource.Imds })),
        })).Setting);

    private ClientCredentialsClient Client(ClientCredential credential, HttpClient http, string clientId = EmulatorFixture.AppId) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.Entra(EmulatorFixture.TenantId, emulator.Instance),
        ClientId = clientId,
        Credential = credential,
        HttpClient = http,
        Scopes = [ClientCredentialsScope.FromResource(EmulatorFixture.Resource)],
    });
}
