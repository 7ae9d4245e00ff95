using ClientCredentials.Protocol.Testing;
using ClientCredentials.Protocol.Tests.Infrastructure;

namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>
/// The managed identity credential's own rules: what it reports about itself, which requests it refuses before
/// sending, how each deadline (attempt, whole acquisition, the cache's shared request) ends a hanging request and names
/// itself, and how user-assigned ids key the cache. In-memory endpoint on a test clock.
/// </summary>
public sealed class ManagedIdentityCredentialTests : IDisposable
{
    private const string Scope = "https://vault.azure.net/.default";
    private static readonly Uri TokenEndpoint = new("http://127.0.0.1:8080/metadata/identity/oauth2/token");

    private readonly ManagedIdentityTestEnvironment _environment = new();
    private readonly TestClock _clock = new();
    private int _requests;

    public void Dispose() => _environment.Dispose();

    private ManagedIdentityCredential Credential(ManagedIdentityResilienceOptions? resilience = null, ManagedIdentityOptions? options = null, bool hang = false) =>
        _environment.Credential(
            (options ?? new ManagedIdentityOptions()) with
            {
                ImdsEndpoint = new Uri("http://127.0.0.1:8080"),
                TimeProvider = _clock,
                HttpClient = new HttpClient(new AnsweringHandler(async (request, cancellationToken) =>
                {
                    Interlocked.Increment(ref _requests);
                    if (hang)
                    {
                        await Task.Delay(Timeout.Infinite, cancellationToken);
                    }

                    return ScriptedHttpHandler.Json(200, """{"access_token":"mi-token","expires_in":"3600"}""");
                })),
            },
            resilience);

    [Fact]
    public void The_credential_reports_its_source_endpoint_and_identity_and_prints_them()
    {
        var credential = Credential();
        Assert.Equal(ManagedIdentitySource.Imds, credential.Source);
        Assert.Equal(TokenEndpoint, credential.Endpoint);
        Assert.Equal(ManagedIdentityId.SystemAssigned, credential.Id);
        Assert.Equal($"managed identity (system-assigned) via IMDS at {TokenEndpoint}", credential.ToString());
    }

    [Fact]
    public async Task A_null_scope_or_request_is_an_argument_error()
    {
        var credential = Credential();
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await credential.GetTokenAsync((string)null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await credential.GetTokenAsync((TokenRequestParameters)null!));
        Assert.Equal(0, _requests);
    }

    [Fact]
    public void Extra_parameters_are_refused_before_sending()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => Credential().GetTokenAsync(new TokenRequestParameters(Scope) { ExtraParameters = [new("slice", "x")] }));
        Assert.Equal("ExtraParameters", error.Setting);
        Assert.Equal("Managed identity endpoints take no extra token request parameters; remove them.", error.Message);
        Assert.Equal(0, _requests);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Anything_but_one_scope_is_refused_before_sending(int count)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => Credential().GetTokenAsync(new TokenRequestParameters([.. Enumerable.Repeat(Scope, count)])));
        Assert.Contains($"got {count} scopes", error.Message);
        Assert.Equal(0, _requests);
    }

    [Fact]
    public async Task One_scope_in_a_request_is_asked_for_as_its_resource()
    {
        var token = await Credential().GetTokenAsync(new TokenRequestParameters(Scope));
        Assert.Equal("mi-token", token.Token);
        Assert.Equal([Scope], token.Scopes);
    }

    [Fact]
    public async Task The_last_attempts_timeout_names_AttemptTimeout()
    {
        var credential = Credential(Deadlines(attempt: 60, total: 100, retries: 0), hang: true);
        var pending = credential.GetTokenAsync(Scope).AsTask();

        await _clock.WaitForTimerAsync(due => due == TimeSpan.FromSeconds(60));
        _clock.Advance(TimeSpan.FromSeconds(60));

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => pending);
        Assert.True(error.TimedOut);
        Assert.Equal(TokenEndpoint, error.TokenEndpoint);
        Assert.NotNull(error.CorrelationId);
        Assert.Equal($"No managed identity token from {TokenEndpoint} (IMDS) within 60 s (Resilience.AttemptTimeout of the last attempt).", error.Message);
    }

    [Fact]
    public async Task The_whole_acquisitions_deadline_names_TotalTimeout_and_the_cache_waits_for_it()
    {
        var credential = Credential(Deadlines(attempt: 80, total: 100, retries: 1), hang: true);
        var pending = credential.GetTokenAsync(Scope).AsTask();

        await _clock.WaitForTimerAsync(due => due == TimeSpan.FromSeconds(80));
        _clock.Advance(TimeSpan.FromSeconds(80));
        await _clock.WaitForTimerAsync(due => due == TimeSpan.FromSeconds(30));
        _clock.Advance(TimeSpan.FromSeconds(20));

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => pending);
        Assert.True(error.TimedOut);
        Assert.Equal($"No managed identity token from {TokenEndpoint} (IMDS) within 100 s (Resilience.TotalTimeout).", error.Message);
        Assert.Equal(1, _requests);
    }

    [Fact]
    public async Task A_shared_cache_with_a_shorter_request_timeout_ends_the_wait_and_says_so()
    {
        var credential = Credential(Deadlines(attempt: 80, total: 100, retries: 0), new ManagedIdentityOptions { CacheOptions = new TokenCacheOptions { SharedRequestTimeout = TimeSpan.FromSeconds(10) } }, hang: true);
        var pending = credential.GetTokenAsync(Scope).AsTask();

        await _clock.WaitForTimerAsync(due => due == TimeSpan.FromSeconds(10));
        _clock.Advance(TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => pending);
        Assert.True(error.TimedOut);
        Assert.Null(error.CorrelationId);
        Assert.IsType<TokenRequestTimeoutException>(error.InnerException);
        Assert.Equal($"No managed identity token from {TokenEndpoint} within 10 s: the token cache's SharedRequestTimeout elapsed.", error.Message);
    }

    [Fact]
    public void A_total_timeout_of_one_hour_keeps_the_caches_wait_within_its_bound()
    {
        var credential = Credential(new ManagedIdentityResilienceOptions { TotalTimeout = TimeSpan.FromHours(1) });
        Assert.Equal(ManagedIdentitySource.Imds, credential.Source);
    }

    [Fact]
    public async Task Resource_ids_that_differ_in_case_share_one_cached_token()
    {
        var cache = new TokenCache(timeProvider: _clock);
        const string resourceId = ManagedIdentityTestEnvironment.UserAssignedResourceId;
        var lower = Credential(options: new ManagedIdentityOptions { Cache = cache, Id = ManagedIdentityId.FromResourceId(resourceId) });
        var upper = Credential(options: new ManagedIdentityOptions { Cache = cache, Id = ManagedIdentityId.FromResourceId(resourceId.ToUpperInvariant()) });
        var other = Credential(options: new ManagedIdentityOptions { Cache = cache, Id = ManagedIdentityId.FromClientId(TestIds.ManagedIdentityClientId) });

        var first = await lower.GetTokenAsync(Scope);
        var second = await upper.GetTokenAsync(Scope);
        await other.GetTokenAsync(Scope);

        Assert.Equal(TokenSource.IdentityProvider, first.Source);
        Assert.Equal(TokenSource.Cache, second.Source);
        Assert.Equal(2, _requests);
    }

    [Fact]
    public async Task Scopes_that_differ_in_case_share_one_cached_token()
    {
        // Resource URIs are case-insensitive to Entra ID, so the managed identity key ignores the case of scopes.
        var credential = Credential();

        var first = await credential.GetTokenAsync(Scope);
        var second = await credential.GetTokenAsync(Scope.ToUpperInvariant());

        Assert.Equal((TokenSource.IdentityProvider, TokenSource.Cache), (first.Source, second.Source));
        Assert.Equal(1, _requests);
    }

    [Fact]
    public async Task A_given_logger_factory_receives_the_credentials_logs()
    {
        var logger = new RecordingLogger();
        var credential = Credential(options: new ManagedIdentityOptions { LoggerFactory = new RecordingLoggerFactory(logger) });

        var token = await credential.GetTokenAsync(Scope);

        Assert.Equal([1101, 1102], logger.Records.Select(r => r.EventId).Where(id => id is 1101 or 1102));
        Assert.DoesNotContain(token.Token, string.Join("\n", logger.Records.Select(r => r.Message)));
    }

    private static ManagedIdentityResilienceOptions Deadlines(int attempt, int total, int retries) => new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(attempt),
        TotalTimeout = TimeSpan.FromSeconds(total),
        MaxRetries = retries,
        MaxGoneRetries = 0,
        RetryBaseDelay = TimeSpan.FromSeconds(30),
        MaxRetryDelay = TimeSpan.FromSeconds(30),
        GoneRetryDelay = TimeSpan.Zero,
    };
}
