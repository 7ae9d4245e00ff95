using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ClientCredentials.Protocol;

/// <summary>
/// The names under which this library publishes metrics (<see cref="Meter"/>) and traces
/// (<see cref="ActivitySource"/>). Subscribe with OpenTelemetry's <c>AddMeter</c>/<c>AddSource</c> using <see cref="Name"/>.
/// </summary>
public static class ClientCredentialsTelemetry
{
    /// <summary>The Meter and ActivitySource name: <c>ClientCredentials.Protocol</c>.</summary>
    public const string Name = "ClientCredentials.Protocol";

    /// <summary>Counter: token requests answered from the cache.</summary>
    public const string CacheHits = "clientcredentials.cache.hits";

    /// <summary>Counter: token requests the cache could not answer (a network request followed or was joined).</summary>
    public const string CacheMisses = "clientcredentials.cache.misses";

    /// <summary>Counter: background refresh-ahead requests started.</summary>
    public const string CacheRefreshes = "clientcredentials.cache.refreshes";

    /// <summary>Counter: token requests that failed (tag <c>transient</c>: true or false; tag <c>refresh</c>: whether it was a background refresh).</summary>
    public const string Failures = "clientcredentials.token.failures";

    /// <summary>Histogram (seconds): duration of each HTTP request to the token endpoint (tag <c>http.response.status_code</c>).</summary>
    public const string RequestDuration = "clientcredentials.token.request.duration";

    /// <summary>Counter: calls refused by client-side throttling without a network request.</summary>
    public const string Throttled = "clientcredentials.token.throttled";

    /// <summary>Counter: requests sent to the global endpoint because the regional (ESTS-R) one failed (tags <c>region</c>, <c>reason</c>: <c>network</c>, <c>timeout</c>, <c>server_error</c>).</summary>
    public const string RegionalFallbacks = "clientcredentials.token.regional_fallbacks";

    /// <summary>Activity name of the span around each token endpoint request.</summary>
    public const string TokenRequestActivity = "ClientCredentials.TokenRequest";

    /// <summary>Activity name of the span around each managed identity endpoint request (tag <c>managed_identity.source</c>).</summary>
    public const string ManagedIdentityRequestActivity = "ClientCredentials.ManagedIdentityRequest";

    internal static readonly ActivitySource ActivitySource = new(Name, typeof(ClientCredentialsTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(Name, typeof(ClientCredentialsTelemetry).Assembly.GetName().Version?.ToString());

    // Units and descriptions are constants: a static initialiser runs once per test process, so a mutation tool can
    // test a change to it only with the whole test suite (the meter test checks every one of them).
    private const string RequestUnit = "{request}";

    private const string SecondsUnit = "s";

    private const string CacheHitsDescription = "Token requests answered from the cache.";

    private const string CacheMissesDescription = "Token requests the cache could not answer.";

    private const string CacheRefreshesDescription = "Background refresh-ahead requests started.";

    private const string FailuresDescription = "Token requests that failed.";

    private const string ThrottledDescription = "Calls refused by client-side throttling.";

    private const string RegionalFallbacksDescription = "Requests sent to the global endpoint after the regional one failed.";

    private const string RequestDurationDescription = "Duration of token endpoint HTTP requests.";

    internal static readonly Counter<long> CacheHitCounter = Meter.CreateCounter<long>(CacheHits, RequestUnit, CacheHitsDescription);

    internal static readonly Counter<long> CacheMissCounter = Meter.CreateCounter<long>(CacheMisses, RequestUnit, CacheMissesDescription);

    internal static readonly Counter<long> CacheRefreshCounter = Meter.CreateCounter<long>(CacheRefreshes, RequestUnit, CacheRefreshesDescription);

    internal static readonly Counter<long> FailureCounter = Meter.CreateCounter<long>(Failures, RequestUnit, FailuresDescription);

    internal static readonly Counter<long> ThrottledCounter = Meter.CreateCounter<long>(Throttled, RequestUnit, ThrottledDescription);

    internal static readonly Counter<long> RegionalFallbackCounter = Meter.CreateCounter<long>(RegionalFallbacks, RequestUnit, RegionalFallbacksDescription);

    internal static readonly Histogram<double> RequestDurationHistogram = Meter.CreateHistogram<double>(RequestDuration, SecondsUnit, RequestDurationDescription);
}
