using ClientCredentials.Protocol.Testing;
using ClientCredentials.Protocol.Tests.Infrastructure;
using Polly;
using Polly.Timeout;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// What <see cref="ClientCredentialsClient"/> refuses when it is created or asked, with the exact message each refusal
/// gives, and how each deadline (per attempt, overall, the caller's own pipeline, the cache's shared request) names
/// itself when it ends a hanging request. In-memory token endpoint on a test clock.
/// </summary>
public sealed class ClientConfigurationTests
{
    private const string Scope = "api://resource/.default";
    private static readonly TokenAuthority Endpoint = TokenAuthority.TokenEndpoint(new Uri("https://auth.example.com/token"));

    private readonly TestClock _clock = new();
    private readonly SemaphoreSlim _sent = new(0);

    private static ClientCredentialsClientOptions Options(TokenAuthority? authority = null) => new()
    {
        Authority = authority ?? Endpoint,
        ClientId = TestIds.SecretAppId,
        Credential = new ClientSecretCredential("pw"),
        HttpClient = new HttpClient(new ScriptedHttpHandler(_ => ScriptedHttpHandler.Token("t"))),
    };

    /// <summary>A client whose token endpoint never answers (until the attempt is cancelled), on the test clock.</summary>
    private static readonly TokenAuthority Entra = TokenAuthority.Entra(TestIds.TenantId, EntraInstance.Public, EntraRegion.None);
    private static readonly string EntraTokenEndpoint = $"https://login.microsoftonline.com/{TestIds.TenantId}/oauth2/v2.0/token";

    private ClientCredentialsClient Hanging(TokenRequestResilienceOptions resilience, TokenCacheOptions? cacheOptions = null, ResiliencePipeline<AccessToken>? pipeline = null, TokenAuthority? authority = null) => new(Options(authority) with
    {
        TimeProvider = _clock,
        Resilience = resilience,
        CacheOptions = cacheOptions,
        ResiliencePipeline = pipeline,
        HttpClient = new HttpClient(new AnsweringHandler(async (_, cancellationToken) =>
        {
            _sent.Release();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        })),
    });

    [Fact]
    public void Null_options_are_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => new ClientCredentialsClient(null!));
    }

    [Fact]
    public void An_authority_is_required()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ClientCredentialsClient(Options() with { Authority = null! }));
        Assert.Equal("Authority", error.Setting);
        Assert.Equal("Authority is required: TokenAuthority.Entra(tenant), .Adfs(uri), .TokenEndpoint(uri) or .OidcIssuer(uri).", error.Message);
    }

    [Fact]
    public void A_credential_is_required()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ClientCredentialsClient(Options() with { Credential = null! }));
        Assert.Equal("Credential", error.Setting);
        Assert.Equal("Credential is required: a ClientSecretCredential, CertificateCredential, ClientAssertionCredential, FederatedTokenFileCredential or ManagedIdentityFederatedCredential.", error.Message);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void A_default_token_lifetime_that_is_not_positive_is_refused(long ticks)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ClientCredentialsClient(Options() with { DefaultTokenLifetime = TimeSpan.FromTicks(ticks) }));
        Assert.Equal("DefaultTokenLifetime", error.Setting);
        Assert.Equal("DefaultTokenLifetime must be positive, or null to require expires_in.", error.Message);
    }

    [Fact]
    public void A_default_token_lifetime_of_one_tick_or_none_is_accepted()
    {
        _ = new ClientCredentialsClient(Options() with { DefaultTokenLifetime = TimeSpan.FromTicks(1) });
        _ = new ClientCredentialsClient(Options() with { DefaultTokenLifetime = null });
    }

    [Fact]
    public void Without_default_scopes_the_parameterless_call_says_what_to_set()
    {
        var client = new ClientCredentialsClient(Options());
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => client.GetTokenAsync());
        Assert.Equal("Scopes", error.Setting);
        Assert.Equal("No default scopes are configured; set ClientCredentialsClientOptions.Scopes or pass TokenRequestParameters.", error.Message);
        Assert.False(client.InvalidateToken(new AccessToken("t", "Bearer", _clock.GetUtcNow().AddHours(1), null, null, [Scope], null, TokenSource.Cache)));
    }

    [Fact]
    public void A_client_prints_its_id_and_authority()
    {
        var client = new ClientCredentialsClient(Options());
        Assert.Equal($"ClientCredentialsClient {TestIds.SecretAppId} at {Endpoint}", client.ToString());
        Assert.Same(Endpoint, client.Authority);
        Assert.Equal(TestIds.SecretAppId, client.ClientId);
        Assert.Null(client.DPoPKey);
    }

    [Fact]
    public void A_DPoP_proof_needs_a_key_and_a_token()
    {
        var client = new ClientCredentialsClient(Options());
        var token = new AccessToken("t", "DPoP", _clock.GetUtcNow().AddHours(1), null, null, [Scope], null, TokenSource.Cache);

        Assert.Throws<ArgumentNullException>(() => client.CreateDPoPProof(HttpMethod.Get, new Uri("https://api.example.com/"), null!));
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => client.CreateDPoPProof(HttpMethod.Get, new Uri("https://api.example.com/"), token));
        Assert.Equal("DPoPKey", error.Setting);
        Assert.Equal("This client has no DPoP key (ClientCredentialsClientOptions.DPoPKey), so it cannot make DPoP proofs.", error.Message);
    }

    [Fact]
    public void A_tenant_per_request_is_refused_for_an_authority_that_is_not_Entra()
    {
        var client = new ClientCredentialsClient(Options());
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => client.GetTokenAsync(new TokenRequestParameters(Scope) { Tenant = TestIds.TenantId }));
        Assert.Equal("Tenant", error.Setting);
        Assert.Equal($"Tenant is set, but the authority is Generic ({Endpoint}); only Microsoft Entra ID authorities take a tenant per request. Leave Tenant null, or create a client for the other server.", error.Message);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("\"claims\"")]
    public void Claims_that_are_not_a_JSON_object_are_refused(string claims)
    {
        var client = new ClientCredentialsClient(Options());
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => client.GetTokenAsync(new TokenRequestParameters(Scope) { Claims = claims }));
        Assert.Equal("Claims", error.Setting);
        Assert.Equal("Claims must be a JSON object (the claims request parameter of OIDC Core §5.5, as AAD sends in a claims challenge).", error.Message);
    }

    [Fact]
    public void Claims_that_are_not_JSON_are_refused_with_the_parser_message()
    {
        var client = new ClientCredentialsClient(Options());
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => client.GetTokenAsync(new TokenRequestParameters(Scope) { Claims = "{\"access_token\":" }));
        Assert.Equal("Claims", error.Setting);
        Assert.StartsWith("Claims is not valid JSON: ", error.Message);
        Assert.IsType<System.Text.Json.JsonException>(error.InnerException, exactMatch: false);
    }

    [Fact]
    public void The_default_request_for_the_default_tenant_is_one_key_object()
    {
        var client = new ClientCredentialsClient(Options(TokenAuthority.Entra(TestIds.TenantId, EntraInstance.Public, EntraRegion.None)) with { Scopes = [Scope] });
        Assert.Same(client.KeyFor(new TokenRequestParameters(Scope)), client.KeyFor(new TokenRequestParameters(Scope)));
        Assert.NotSame(client.KeyFor(new TokenRequestParameters("api://other/.default")), client.KeyFor(new TokenRequestParameters("api://other/.default")));
    }

    [Fact]
    public async Task A_given_cache_keeps_the_tokens_of_every_client_that_shares_it()
    {
        var cache = new TokenCache();
        var endpoint = new ScriptedHttpHandler(_ => ScriptedHttpHandler.Token("shared"));
        var options = Options() with { Cache = cache, HttpClient = new HttpClient(endpoint) };

        var first = await new ClientCredentialsClient(options).GetTokenAsync(new TokenRequestParameters(Scope));
        var second = await new ClientCredentialsClient(options).GetTokenAsync(new TokenRequestParameters(Scope));

        Assert.Equal(1, cache.Count);
        Assert.Single(endpoint.Requests);
        Assert.Equal((TokenSource.IdentityProvider, TokenSource.Cache), (first.Source, second.Source));
        Assert.Equal("shared", second.Token);
    }

    [Fact]
    public async Task The_last_attempts_timeout_names_AttemptTimeout_and_the_request_id()
    {
        var client = Hanging(new TokenRequestResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(20), TotalTimeout = TimeSpan.FromSeconds(60), MaxRetries = 0 }, authority: Entra);
        var pending = client.GetTokenAsync(new TokenRequestParameters(Scope) { CorrelationId = "corr-a" }).AsTask();

        await _sent.WaitAsync(TimeSpan.FromSeconds(10));
        await _clock.WaitForTimerAsync(due => due == TimeSpan.FromSeconds(20));
        _clock.Advance(TimeSpan.FromSeconds(20));

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => pending);
        Assert.Equal($"No token from {EntraTokenEndpoint} within 20 s: the per-attempt timeout (Resilience.AttemptTimeout) of the last attempt elapsed (client-request-id corr-a).", error.Message);
        Assert.Equal(new Uri(EntraTokenEndpoint), error.TokenEndpoint);
        Assert.Equal("The attempt did not finish within 00:00:20.", error.InnerException!.Message);
        Assert.Equal("corr-a", error.CorrelationId);
        Assert.True(error.TimedOut);
    }

    [Fact]
    public async Task A_timeout_before_the_token_endpoint_is_known_names_the_issuer()
    {
        // The discovery document of an OpenID issuer never comes, so no token endpoint was ever chosen: the error names
        // the issuer the client was configured with.
        var client = Hanging(new TokenRequestResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(20), TotalTimeout = TimeSpan.FromSeconds(60), MaxRetries = 0 }, authority: TokenAuthority.OidcIssuer(new Uri("https://issuer.example.com/tenant-a")));
        var pending = client.GetTokenAsync(new TokenRequestParameters(Scope) { CorrelationId = "corr-e" }).AsTask();

        await _sent.WaitAsync(TimeSpan.FromSeconds(10));
        await _clock.WaitForTimerAsync(due => due == TimeSpan.FromSeconds(20));
        _clock.Advance(TimeSpan.FromSeconds(20));

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => pending);
        Assert.Equal(new Uri("https://issuer.example.com/tenant-a"), error.TokenEndpoint);
        Assert.Equal("No token from https://issuer.example.com/tenant-a within 20 s: the per-attempt timeout (Resilience.AttemptTimeout) of the last attempt elapsed (client-request-id corr-e).", error.Message);
    }

    [Fact]
    public async Task A_timeout_of_the_callers_own_pipeline_is_named_as_such()
    {
        // The caller's pipeline replaces the client's timeouts: neither the 10 s attempt timeout nor the 10 s overall
        // deadline applies, and the client's own cache waits as long as it would for the default 30 s deadline.
        var pipeline = new ResiliencePipelineBuilder<AccessToken> { TimeProvider = _clock }.AddTimeout(TimeSpan.FromSeconds(25)).Build();
        var client = Hanging(new TokenRequestResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(10), TotalTimeout = TimeSpan.FromSeconds(10) }, pipeline: pipeline);
        var pending = client.GetTokenAsync(new TokenRequestParameters(Scope) { CorrelationId = "corr-b" }).AsTask();

        await _sent.WaitAsync(TimeSpan.FromSeconds(10));
        await _clock.WaitForTimerAsync(due => due == TimeSpan.FromSeconds(25));
        _clock.Advance(TimeSpan.FromSeconds(25));

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => pending);
        Assert.Equal("No token from https://auth.example.com/token within 25 s: a timeout of the caller's resilience pipeline elapsed (client-request-id corr-b).", error.Message);
        Assert.IsType<TimeoutRejectedException>(error.InnerException);
    }

    [Fact]
    public async Task The_caches_shared_request_timeout_is_named_as_such()
    {
        var client = Hanging(new TokenRequestResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(20), TotalTimeout = TimeSpan.FromSeconds(60) }, new TokenCacheOptions { SharedRequestTimeout = TimeSpan.FromSeconds(5) }, authority: Entra);
        var pending = client.GetTokenAsync(new TokenRequestParameters(Scope)).AsTask();

        await _sent.WaitAsync(TimeSpan.FromSeconds(10));
        await _clock.WaitForTimerAsync(due => due == TimeSpan.FromSeconds(5));
        _clock.Advance(TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => pending);
        Assert.Equal($"No token from {EntraTokenEndpoint} within 5 s: the token cache's SharedRequestTimeout elapsed and the shared request was cancelled.", error.Message);
        Assert.Null(error.CorrelationId);
        Assert.IsType<TokenRequestTimeoutException>(error.InnerException);
    }

    [Fact]
    public async Task The_clients_own_cache_waits_past_a_long_overall_deadline()
    {
        var client = Hanging(new TokenRequestResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(40), TotalTimeout = TimeSpan.FromSeconds(40), MaxRetries = 0 });
        var pending = client.GetTokenAsync(new TokenRequestParameters(Scope) { CorrelationId = "corr-c" }).AsTask();

        await _sent.WaitAsync(TimeSpan.FromSeconds(10));
        await _clock.WaitForTimerAsync(due => due == TimeSpan.FromSeconds(45));
        _clock.Advance(TimeSpan.FromSeconds(40));

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => pending);
        Assert.IsType<TimeoutRejectedException>(error.InnerException);
        Assert.Contains("within 40 s", error.Message);
    }

    [Fact]
    public void An_overall_deadline_of_one_hour_keeps_the_caches_wait_within_its_bound()
    {
        _ = new ClientCredentialsClient(Options() with { Resilience = new TokenRequestResilienceOptions { TotalTimeout = TimeSpan.FromHours(1) } });
    }

    [Fact]
    public async Task An_attempt_left_exactly_its_own_timeout_is_cut_by_the_attempt_timeout()
    {
        // 10 s attempts within 30 s and no backoff: the third attempt starts with exactly 10 s left.
        var client = Hanging(new TokenRequestResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(10), TotalTimeout = TimeSpan.FromSeconds(30), MaxRetries = 2, RetryBaseDelay = TimeSpan.Zero, MaxRetryAfterWait = TimeSpan.FromSeconds(1) });
        var pending = client.GetTokenAsync(new TokenRequestParameters(Scope) { CorrelationId = "corr-d" }).AsTask();

        for (var attempt = 0; attempt < 3; attempt++)
        {
            await _sent.WaitAsync(TimeSpan.FromSeconds(10));
            _clock.Advance(TimeSpan.FromSeconds(10));
        }

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => pending);
        Assert.Equal("No token from https://auth.example.com/token within 10 s: the per-attempt timeout (Resilience.AttemptTimeout) of the last attempt elapsed (client-request-id corr-d).", error.Message);
    }

    [Fact]
    public void A_null_request_is_an_argument_error_wherever_it_is_given()
    {
        var client = new ClientCredentialsClient(Options());
        var token = new AccessToken("t", "Bearer", _clock.GetUtcNow().AddHours(1), null, null, [Scope], null, TokenSource.Cache);
        Assert.Throws<ArgumentNullException>(() => client.GetTokenAsync((TokenRequestParameters)null!));
        Assert.Throws<ArgumentNullException>(() => client.InvalidateToken(null!, token));
    }

    [Fact]
    public void An_HttpClient_the_library_creates_has_no_timeout_of_its_own()
    {
        // HttpClient's own 100 s would cut a longer TotalTimeout short, on real time instead of the configured clock.
        using var handler = new HttpClientHandler();
        using var client = OwnHttpClient.Over(handler);
        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
    }
}
