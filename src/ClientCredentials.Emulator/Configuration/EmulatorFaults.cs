namespace ClientCredentials.Emulator;

/// <summary>
/// Faults applied to token endpoint requests before normal processing, in this order: latency, then the next
/// forced status, then the random failure rate. A 429 always carries <c>Retry-After</c>.
/// </summary>
/// <remarks>
/// Members with a default are settable rather than init-only: the JSON source generator (which the native cc-token
/// needs) would replace an init-only member's default with zero when the file omits it (dotnet/runtime#84484).
/// </remarks>
public sealed record EmulatorFaults
{
    /// <summary>Delay added to every token response, in milliseconds.</summary>
    public int LatencyMilliseconds { get; init; }

    /// <summary>Statuses answered, in order, to the first token requests (e.g. <c>[503, 429]</c>); then normal service.</summary>
    public IReadOnlyList<int> ForcedStatusCodes { get; set; } = [];

    /// <summary>Probability (0 to 1) that a token request fails with <see cref="FailureStatusCode"/>.</summary>
    public double FailureRate { get; init; }

    /// <summary>The status used by <see cref="FailureRate"/>.</summary>
    public int FailureStatusCode { get; set; } = 503;

    /// <summary>Seed of the random generator behind <see cref="FailureRate"/>, so runs are repeatable.</summary>
    public int Seed { get; init; }

    /// <summary>The <c>Retry-After</c> value (seconds) sent with injected 429 and 503 responses.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Whether any fault is configured.</summary>
    public bool IsActive => LatencyMilliseconds > 0 || ForcedStatusCodes.Count > 0 || FailureRate > 0;
}
