using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using ClientCredentials.Protocol.Azure;
using ClientCredentials.Protocol.Extensions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ClientCredentials.Protocol.Extensions.Tests;

/// <summary>The Azure.Core TokenCredential and the Kiota access token provider over a named client.</summary>
[Collection("loopback")]
public sealed class AzureAdapterTests(LoopbackFixture fixture)
{
    private const string ClaimsJson = """{"access_token":{"nbf":{"essential":true,"value":"1726000000"}}}""";

    private async Task<(TestHost Host, ClientCredentialsClient Client)> StartAsync()
    {
        fixture.Api.Reset();
        var host = await TestHost.StartAsync(fixture, TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret(LoopbackFixture.Secret)));
        return (host, host.Services.GetRequiredService<IClientCredentialsClientFactory>().Get("api"));
    }

    [Fact]
    public async Task An_azure_pipeline_with_the_bearer_policy_calls_the_api_with_the_clients_token()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var pipeline = CreatePipeline(new ClientCredentialsTokenCredential(client));

        using var message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(fixture.Api.HttpsBaseAddress, "orders"));
        await pipeline.SendAsync(message, CancellationToken.None);

        Assert.Equal(200, message.Response.Status);
        var call = Assert.Single(fixture.Api.Calls);
        var cached = await client.GetTokenAsync();
        Assert.Equal(cached.Token, call.BearerToken);
        Assert.Equal(LoopbackFixture.ApiScope, host.TokenRequests.Requests.Single()["scope"].ToString());
    }

    [Fact]
    public async Task An_azure_pipeline_answers_a_claims_challenge_with_a_token_requested_with_those_claims()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(ClaimsJson));
        fixture.Api.Reset(ApiReply.Unauthorized($"Bearer realm=\"\", error=\"insufficient_claims\", claims=\"{encoded}\""));
        var pipeline = CreatePipeline(new ClientCredentialsTokenCredential(client));

        using var message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(fixture.Api.HttpsBaseAddress, "orders"));
        await pipeline.SendAsync(message, CancellationToken.None);

        Assert.Equal(200, message.Response.Status);
        var requests = host.TokenRequests.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(ClaimsJson, requests[1]["claims"].ToString());
        Assert.Equal(2, fixture.Api.Calls.Count);
    }

    [Fact]
    public async Task The_credential_maps_expiry_refresh_time_and_type_sync_and_async()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var credential = new ClientCredentialsTokenCredential(client);
        var context = new TokenRequestContext([LoopbackFixture.ApiScope]);

        var asyncToken = await credential.GetTokenAsync(context, CancellationToken.None);
        var syncToken = credential.GetToken(context, CancellationToken.None);
        var source = await client.GetTokenAsync();

        Assert.Equal(source.Token, asyncToken.Token);
        Assert.Equal(source.Token, syncToken.Token);
        Assert.Equal(source.ExpiresOn, asyncToken.ExpiresOn);
        Assert.Equal(source.RefreshOn, asyncToken.RefreshOn);
        Assert.Equal("Bearer", asyncToken.TokenType);
        Assert.Equal(1, host.TokenRequests.Count);
    }

    [Fact]
    public async Task The_credential_refuses_a_tenant_that_is_not_additionally_allowed_naming_the_option()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var credential = new ClientCredentialsTokenCredential(client) { AdditionallyAllowedTenants = ["33333333-3333-3333-3333-333333333333"] };

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(async () =>
            await credential.GetTokenAsync(new TokenRequestContext([LoopbackFixture.ApiScope], tenantId: TestIds.OtherTenantId), CancellationToken.None));

        Assert.Equal("AdditionallyAllowedTenants", error.Setting);
        Assert.Contains(TestIds.OtherTenantId, error.Message);
        Assert.Contains("\"*\"", error.Message);
        Assert.Equal(0, host.TokenRequests.Count);
    }

    [Fact]
    public async Task The_credential_serves_its_own_tenant_in_any_case_without_an_allow_list()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var credential = new ClientCredentialsTokenCredential(client);

        var token = await credential.GetTokenAsync(new TokenRequestContext([LoopbackFixture.ApiScope], tenantId: LoopbackFixture.TenantId.ToUpperInvariant()), CancellationToken.None);

        Assert.Equal((await client.GetTokenAsync(new TokenRequestParameters(LoopbackFixture.ApiScope))).Token, token.Token);
        Assert.Equal(1, host.TokenRequests.Count);
    }

    [Theory]
    [InlineData("*")]
    [InlineData(TestIds.OtherTenantId)]
    public async Task An_allowed_tenant_is_asked_on_the_same_instance_and_cached_apart(string allowed)
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var credential = new ClientCredentialsTokenCredential(client) { AdditionallyAllowedTenants = [allowed] };
        var own = await credential.GetTokenAsync(new TokenRequestContext([LoopbackFixture.ApiScope]), CancellationToken.None);

        // The emulator has no such registration in the other tenant: its refusal shows where the request went.
        await Assert.ThrowsAsync<TokenEndpointException>(async () =>
            await credential.GetTokenAsync(new TokenRequestContext([LoopbackFixture.ApiScope], tenantId: TestIds.OtherTenantId), CancellationToken.None));

        Assert.Equal([$"/{LoopbackFixture.TenantId}/oauth2/v2.0/token", $"/{TestIds.OtherTenantId}/oauth2/v2.0/token"], host.TokenRequests.Paths);
        Assert.Equal(own.Token, (await credential.GetTokenAsync(new TokenRequestContext([LoopbackFixture.ApiScope]), CancellationToken.None)).Token);
        Assert.Equal(2, host.TokenRequests.Count);
    }

    [Fact]
    public async Task The_kiota_provider_asks_for_its_tenant_through_the_shared_client()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var provider = new ClientCredentialsAccessTokenProvider(client, ["127.0.0.1"], [LoopbackFixture.ApiScope]) { Tenant = TestIds.OtherTenantId };

        await Assert.ThrowsAsync<TokenEndpointException>(() => provider.GetAuthorizationTokenAsync(new Uri(fixture.Api.BaseAddress, "orders")));

        Assert.Equal([$"/{TestIds.OtherTenantId}/oauth2/v2.0/token"], host.TokenRequests.Paths);
    }

    [Fact]
    public async Task The_kiota_provider_returns_a_token_for_allowed_hosts_and_an_empty_string_for_others()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var provider = new ClientCredentialsAccessTokenProvider(client, ["127.0.0.1"], [LoopbackFixture.ApiScope]);

        var token = await provider.GetAuthorizationTokenAsync(new Uri(fixture.Api.BaseAddress, "orders"));
        var foreign = await provider.GetAuthorizationTokenAsync(new Uri("https://graph.example.com/v1.0/users"));

        Assert.Equal((await client.GetTokenAsync()).Token, token);
        Assert.Equal(string.Empty, foreign);
        Assert.Equal(1, host.TokenRequests.Count);
        Assert.Equal(["127.0.0.1"], provider.AllowedHostsValidator.AllowedHosts);
    }

    [Fact]
    public async Task The_kiota_provider_refuses_plain_http_to_a_host_that_is_not_loopback()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var provider = new ClientCredentialsAccessTokenProvider(client, ["graph.example.com"]);

        await Assert.ThrowsAsync<ArgumentException>(() => provider.GetAuthorizationTokenAsync(new Uri("http://graph.example.com/v1.0/users")));

        Assert.Equal(0, host.TokenRequests.Count);
    }

    [Fact]
    public async Task The_kiota_provider_forwards_a_claims_challenge_from_the_authentication_context()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var provider = new ClientCredentialsAccessTokenProvider(client, ["127.0.0.1"], [LoopbackFixture.ApiScope]);

        await provider.GetAuthorizationTokenAsync(
            fixture.Api.BaseAddress,
            new Dictionary<string, object> { [ClientCredentialsAccessTokenProvider.ClaimsKey] = Convert.ToBase64String(Encoding.UTF8.GetBytes(ClaimsJson)) });

        Assert.Equal(ClaimsJson, host.TokenRequests.Requests.Single()["claims"].ToString());
    }

    [Fact]
    public async Task The_kiota_provider_decodes_base64url_claims_without_padding()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var provider = new ClientCredentialsAccessTokenProvider(client, ["127.0.0.1"], [LoopbackFixture.ApiScope]);
        var base64Url = Convert.ToBase64String(Encoding.UTF8.GetBytes(ClaimsJson)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        await provider.GetAuthorizationTokenAsync(fixture.Api.BaseAddress, new Dictionary<string, object> { [ClientCredentialsAccessTokenProvider.ClaimsKey] = base64Url });

        Assert.Equal(ClaimsJson, host.TokenRequests.Requests.Single()["claims"].ToString());
    }

    [Theory]
    [InlineData("%%% not base64 %%%")]
    [InlineData("eyJub3QiOiJjbG9zZWQi")] // Base64 of {"not":"closed" — truncated JSON
    public async Task The_kiota_provider_ignores_unreadable_claims_with_a_warning_and_still_returns_a_token(string claims)
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var logs = new CapturingLoggerProvider();
        var provider = new ClientCredentialsAccessTokenProvider(client, ["127.0.0.1"], [LoopbackFixture.ApiScope], logs.CreateLogger("kiota"));

        var token = await provider.GetAuthorizationTokenAsync(fixture.Api.BaseAddress, new Dictionary<string, object> { [ClientCredentialsAccessTokenProvider.ClaimsKey] = claims });

        Assert.Equal((await client.GetTokenAsync()).Token, token);
        Assert.False(host.TokenRequests.Requests.Single().ContainsKey("claims"));
        var warning = Assert.Single(logs.Entries, e => e.EventId == 4001);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
    }

    [Fact]
    public async Task The_credential_ignores_unreadable_claims_with_a_warning_and_still_returns_a_token()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var logs = new CapturingLoggerProvider();
        var credential = new ClientCredentialsTokenCredential(client, logs.CreateLogger("azure"));

        var token = await credential.GetTokenAsync(new TokenRequestContext([LoopbackFixture.ApiScope], claims: "{not json"), CancellationToken.None);

        Assert.Equal((await client.GetTokenAsync()).Token, token.Token);
        Assert.False(host.TokenRequests.Requests.Single().ContainsKey("claims"));
        Assert.Single(logs.Entries, e => e.EventId == 4001);
    }

    [Fact]
    public async Task The_credential_accepts_claims_as_json_or_base64()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var credential = new ClientCredentialsTokenCredential(client);

        await credential.GetTokenAsync(new TokenRequestContext([LoopbackFixture.ApiScope], claims: ClaimsJson), CancellationToken.None);
        await credential.GetTokenAsync(new TokenRequestContext([LoopbackFixture.ApiScope], claims: Convert.ToBase64String(Encoding.UTF8.GetBytes(ClaimsJson))), CancellationToken.None);

        Assert.All(host.TokenRequests.Requests, r => Assert.Equal(ClaimsJson, r["claims"].ToString()));
        Assert.Equal(1, host.TokenRequests.Count);
    }

    [Fact]
    public async Task The_kiota_provider_reuses_one_parameters_object_and_one_token_across_calls()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var provider = new ClientCredentialsAccessTokenProvider(client, ["127.0.0.1"], [LoopbackFixture.ApiScope]);

        var tokens = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            tokens.Add(await provider.GetAuthorizationTokenAsync(new Uri(fixture.Api.BaseAddress, $"orders/{i}")));
        }

        Assert.Single(tokens);
        Assert.Equal(1, host.TokenRequests.Count);
        Assert.Same(provider.ParametersFor(fixture.Api.BaseAddress, claims: null), provider.ParametersFor(new Uri(fixture.Api.BaseAddress, "other"), claims: null));
        Assert.NotSame(provider.ParametersFor(fixture.Api.BaseAddress, ClaimsJson), provider.ParametersFor(fixture.Api.BaseAddress, ClaimsJson));
    }

    [Fact]
    public async Task The_credential_reuses_one_parameters_object_per_scope_set_and_one_token_across_calls()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var credential = new ClientCredentialsTokenCredential(client);

        var tokens = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            tokens.Add(credential.GetToken(new TokenRequestContext([LoopbackFixture.ApiScope]), CancellationToken.None).Token);
            tokens.Add((await credential.GetTokenAsync(new TokenRequestContext([LoopbackFixture.ApiScope]), CancellationToken.None)).Token);
        }

        Assert.Single(tokens);
        Assert.Equal(1, host.TokenRequests.Count);
        Assert.Same(
            credential.ParametersFor(new TokenRequestContext([LoopbackFixture.ApiScope])),
            credential.ParametersFor(new TokenRequestContext([LoopbackFixture.ApiScope])));
        Assert.Same(
            credential.ParametersFor(new TokenRequestContext(["api://a/x", "api://a/y"])),
            credential.ParametersFor(new TokenRequestContext(["api://a/x", "api://a/y"])));
    }

    [Fact]
    public async Task The_credential_remembers_a_bounded_number_of_scope_sets()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        var credential = new ClientCredentialsTokenCredential(client);
        for (var i = 0; i < ClientCredentialsTokenCredential.MaxRememberedScopeSets; i++)
        {
            credential.ParametersFor(new TokenRequestContext([$"api://resource-{i}/.default"]));
        }

        var beyond = new TokenRequestContext(["api://one-too-many/.default"]);
        var first = new TokenRequestContext(["api://resource-0/.default"]);

        Assert.NotSame(credential.ParametersFor(beyond), credential.ParametersFor(beyond));
        Assert.Equal(["api://one-too-many/.default"], credential.ParametersFor(beyond)!.Scopes);
        Assert.Same(credential.ParametersFor(first), credential.ParametersFor(first));
    }

    [Fact]
    public async Task The_kiota_provider_needs_at_least_one_allowed_host()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ClientCredentialsAccessTokenProvider(client, []));

        Assert.Equal("AllowedHosts", error.Setting);
    }

    private HttpPipeline CreatePipeline(TokenCredential credential)
    {
        var pinned = fixture.Api.TlsCertificate.Thumbprint;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == pinned,
        };
        var options = new TestClientOptions { Transport = new HttpClientTransport(handler) };
        options.Retry.MaxRetries = 0;
        return HttpPipelineBuilder.Build(options, new BearerTokenAuthenticationPolicy(credential, LoopbackFixture.ApiScope));
    }

    private sealed class TestClientOptions : ClientOptions;
}
