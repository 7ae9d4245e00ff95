using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;
using Polly;
using WireMock.ResponseBuilders;

namespace ClientCredentials.Protocol.Tests.Resilience;

/// <summary>
/// Builds a <see cref="ClientCredentialsClient"/> for an Entra tenant on the test's own WireMock server, and the token
/// endpoint answers of the fault matrix. Timeouts and backoffs are short so the matrix stays fast.
/// </summary>
internal static class ResilienceTestClient
{
    public const string Scope = "https://resource.example/.default";

    /// <summary>The URL path of the token endpoint the client posts to.</summary>
    public const string TokenPath = "/" + TestIds.TenantId + "/oauth2/v2.0/token";

    /// <summary>Short timeouts and backoffs, otherwise the library's defaults (2 retries, 2 s Retry-After limit).</summary>
    public static TokenRequestResilienceOptions Fast { get; } = new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(5),
        TotalTimeout = TimeSpan.FromSeconds(15),
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
    };

    public static ClientCredentialsClient Create(
        LoopbackWireMock mock,
        TokenRequestResilienceOptions? resilience = null,
        TimeProvider? timeProvider = null,
        HttpClient? httpClient = null,
        TokenCacheOptions? cacheOptions = null,
        ResiliencePipeline<AccessToken>? pipeline = null) =>
        new(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.Entra(tenant: TestIds.TenantId, instance: mock.BaseAddress.ToString()),
            ClientId = TestIds.SecretAppId,
            Credential = new ClientSecretCredential("resilience-test-secret"),
            Scopes = [Scope],
            Resilience = resilience ?? Fast,
            TimeProvider = timeProvider,
            HttpClient = httpClient,
            CacheOptions = cacheOptions,
            ResiliencePipeline = pipeline,
        });

    /// <summary>A 200 token response.</summary>
    public static IResponseBuilder Ok(string accessToken = "token-ok", int expiresIn = 3599) =>
        WireMockResponses.AccessToken(accessToken, expiresIn);

    /// <summary>An AAD-shaped JSON error response.</summary>
    public static IResponseBuilder Error(int status, string error, int aadstsCode, IReadOnlyDictionary<string, string>? headers = null) =>
        WireMockResponses.Json(
            status,
            new JsonObject
            {
                ["error"] = error,
                ["error_description"] = $"AADSTS{aadstsCode}: test failure.\r\nTrace ID: 0000\r\nCorrelation ID: 1111\r\nTimestamp: 2026-01-01 00:00:00Z",
                ["error_codes"] = new JsonArray(aadstsCode),
            },
            headers);

    /// <summary>A response with a raw body.</summary>
    public static IResponseBuilder Raw(int status, string body, string contentType, IReadOnlyDictionary<string, string>? headers = null) =>
        WireMockResponses.Text(status, body, contentType, headers);

    /// <summary>A network fault instead of a response (the server must be started with network faults).</summary>
    public static IResponseBuilder Fault(NetworkFault fault) => WireMockResponses.NetworkFault(fault);

    /// <summary>The token endpoint answers every request with <paramref name="response"/>.</summary>
    public static void AnswerAlways(this LoopbackWireMock mock, IResponseBuilder response) =>
        mock.Stub(WireMockResponses.Post(TokenPath), response);

    /// <summary>The token endpoint answers with <paramref name="responses"/>, one per request, the last one repeating.</summary>
    public static void AnswerInOrder(this LoopbackWireMock mock, params IResponseBuilder[] responses) =>
        mock.StubSequence(WireMockResponses.Post(TokenPath), responses);
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
