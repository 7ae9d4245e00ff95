using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;
using Polly;

namespace ClientCredentials.Protocol.Tests.Resilience;

/// <summary>
/// Builds a <see cref="ClientCredentialsClient"/> for an Entra tenant whose name is the test scope's prefix, so its token
/// endpoint <c>{base}/scope-…/oauth2/v2.0/token</c> lies inside the scope. Timeouts and backoffs are short so the
/// fault matrix stays fast.
/// </summary>
internal static class ResilienceTestClient
{
    public const string Scope = "https://resource.example/.default";

    /// <summary>Short timeouts and backoffs, otherwise the library's defaults (2 retries, 2 s Retry-After limit).</summary>
    public static TokenRequestResilienceOptions Fast { get; } = new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(5),
        TotalTimeout = TimeSpan.FromSeconds(15),
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
    };

    /// <summary>The URL path of the token endpoint the client posts to.</summary>
    public static string TokenPath(WireMockTestScope scope) => scope.Path("oauth2/v2.0/token");

    public static ClientCredentialsClient Create(
        WireMockTestScope scope,
        TokenRequestResilienceOptions? resilience = null,
        TimeProvider? timeProvider = null,
        HttpClient? httpClient = null,
        TokenCacheOptions? cacheOptions = null,
        ResiliencePipeline<AccessToken>? pipeline = null) =>
        new(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.Entra(tenant: scope.PathPrefix.Trim('/'), instance: scope.Server.BaseAddress.ToString()),
            ClientId = "6f1c2a3b-0000-4000-8000-00000000c11e",
            Credential = new ClientSecretCredential("resilience-test-secret"),
            Scopes = [Scope],
            Resilience = resilience ?? Fast,
            TimeProvider = timeProvider,
            HttpClient = httpClient,
            CacheOptions = cacheOptions,
            ResiliencePipeline = pipeline,
        });

    /// <summary>A 200 token response.</summary>
    public static JsonObject Ok(WireMockTestScope scope, string accessToken = "token-ok", int expiresIn = 3599) =>
        WireMockMapping.TokenEndpoint(TokenPath(scope), 200, WireMockMapping.AccessTokenBody(accessToken, expiresIn));

    /// <summary>An AAD-shaped JSON error response.</summary>
    public static JsonObject Error(WireMockTestScope scope, int status, string error, int aadstsCode, IReadOnlyDictionary<string, string>? headers = null) =>
        WireMockMapping.TokenEndpoint(
            TokenPath(scope),
            status,
            new JsonObject
            {
                ["error"] = error,
                ["error_description"] = $"AADSTS{aadstsCode}: test failure.\r\nTrace ID: 0000\r\nCorrelation ID: 1111\r\nTimestamp: 2026-01-01 00:00:00Z",
                ["error_codes"] = new JsonArray(aadstsCode),
            },
            headers);

    /// <summary>A response with a raw body.</summary>
    public static JsonObject Raw(WireMockTestScope scope, int status, string body, string contentType, IReadOnlyDictionary<string, string>? headers = null) =>
        WireMockMapping.Text("POST", TokenPath(scope), status, body, contentType, headers);

    /// <summary>A network fault instead of a response.</summary>
    public static JsonObject Fault(WireMockTestScope scope, WireMockFault fault) => WireMockMapping.Fault("POST", TokenPath(scope), fault);

    /// <summary>Adds <paramref name="responses"/> as a sequence: one per request, the last one repeating.</summary>
    public static Task<IReadOnlyList<Guid>> AddSequenceAsync(this WireMockTestScope scope, params JsonObject[] responses) =>
        scope.AddMappingsAsync(WireMockMapping.Sequence(scope.ScenarioName("sequence"), responses));

    /// <summary>Waits (up to 10 s) until WireMock has received <paramref name="count"/> requests for the scope.</summary>
    public static async Task WaitForRequestsAsync(this WireMockTestScope scope, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await scope.CountRequestsAsync(timeout.Token) < count)
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}

/// <summary>Counts the requests sent through it, to prove which HttpClient carried them.</summary>
internal sealed class CountingHandler(StrongBox<int> counter) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref counter.Value);
        return base.SendAsync(request, cancellationToken);
    }
}
