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

    private ClientCredentialsClient Client(ClientCredential credential, HttpClient http, string clientId = EmulatorFixture.AppId) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.Entra(EmulatorFixture.TenantId, emulator.Instance),
        ClientId = clientId,
        Credential = credential,
        HttpClient = http,
        Scopes = [ClientCredentialsScope.FromResource(EmulatorFixture.Resource)],
    });
}
