using System.Net;
using ClientCredentials.Protocol.Extensions.Tests.Infrastructure;
using ClientCredentials.Protocol.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ClientCredentials.Protocol.Extensions.Tests;

/// <summary>What the DI registration gives every named client: the token endpoint HttpClient and the shared cache.</summary>
[Collection("loopback")]
public sealed class TokenEndpointHttpClientTests
{
    private const string Secret = "di-redirect-secret-VALUE-9431";

    [Fact]
    public async Task A_redirect_from_the_token_endpoint_is_not_followed_so_the_secret_never_reaches_its_target()
    {
        using var target = LoopbackWireMock.Start();
        target.Stub(WireMockResponses.Post("/stolen/token"), WireMockResponses.AccessToken("captured-by-the-redirect-target"));
        using var redirecting = LoopbackWireMock.Start();
        redirecting.Stub(
            WireMockResponses.Post("/oauth2/token"),
            WireMockResponses.Text(307, string.Empty, headers: new Dictionary<string, string> { ["Location"] = target.Url("stolen/token").AbsoluteUri }));
        await using var services = new ServiceCollection()
            .AddClientCredentials("redirected", options =>
            {
                options.TokenEndpoint = redirecting.Url("oauth2/token").AbsoluteUri;
                options.ClientId = "redirect-test-client";
                options.Scopes = ["api://redirect-test/.default"];
                options.Credential = new ClientSecretCredential(Secret);
            })
            .BuildServiceProvider();
        var client = services.GetRequiredService<IClientCredentialsClientFactory>().Get("redirected");

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());

        Assert.Equal("invalid_response", error.Error);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, error.StatusCode);
        Assert.Single(redirecting.Requests);
        Assert.Empty(target.Requests);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_shared_cache_lets_a_shared_request_run_as_long_as_a_total_timeout_above_30_seconds()
    {
        var totalTimeout = TimeSpan.FromSeconds(40);
        await using var services = new ServiceCollection()
            .AddClientCredentials("slow", options =>
            {
                options.TokenEndpoint = "http://127.0.0.1:9/oauth2/token";
                options.ClientId = "slow-client";
                options.Scopes = ["api://slow/.default"];
                options.Credential = new ClientSecretCredential("slow-secret");
                options.Resilience = new TokenRequestResilienceOptions { TotalTimeout = totalTimeout };
            })
            .BuildServiceProvider();

        services.GetRequiredService<IClientCredentialsClientFactory>().Get("slow");
        var cache = services.GetRequiredService<TokenCache>();

        Assert.True(cache.Options.SharedRequestTimeout >= totalTimeout, $"SharedRequestTimeout {cache.Options.SharedRequestTimeout} would cut TotalTimeout {totalTimeout}.");
        Assert.Equal(new TokenCacheOptions().ExpiryBuffer, cache.Options.ExpiryBuffer);
        Assert.Equal(new TokenCacheOptions().MaxEntries, cache.Options.MaxEntries);
    }
}
