using System.Diagnostics.Metrics;

namespace ClientCredentials.Protocol.Caching;

/// <summary>
/// The metrics of the distributed token cache, published on their own <see cref="System.Diagnostics.Metrics.Meter"/>
/// named <see cref="Name"/> (subscribe with OpenTelemetry's <c>AddMeter</c>).
/// </summary>
public static class DistributedTokenCacheTelemetry
{
    /// <summary>The Meter name: <c>ClientCredentials.Protocol.Caching</c>.</summary>
    public const string Name = "ClientCredentials.Protocol.Caching";

    /// <summary>Counter: memory misses the distributed cache answered with a stored token.</summary>
    public const string Hits = "clientcredentials.l2.hits";

    /// <summary>Counter: memory misses the distributed cache could not answer (tag <c>reason</c>: <c>absent</c>, <c>unusable</c>, <c>error</c>).</summary>
    public const string Misses = "clientcredentials.l2.misses";

    /// <summary>Counter: store calls that failed, timed out or were skipped by the open circuit (tags <c>operation</c>, <c>reason</c>: <c>failure</c>, <c>timeout</c>, <c>circuit_open</c>).</summary>
    public const string Errors = "clientcredentials.l2.errors";

    /// <summary>UpDownCounter: distributed caches whose circuit is open (0 when every store answers).</summary>
    public const string CircuitsOpen = "clientcredentials.l2.circuits_open";

    /// <summary>Counter: fleet leases taken, waited for, or waited for in vain (tag <c>outcome</c>: <c>taken</c>, <c>served</c>, <c>timed_out</c>).</summary>
    public const string Leases = "clientcredentials.l2.leases";

    internal static readonly Meter Meter = new(Name, typeof(DistributedTokenCacheTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> HitCounter = Meter.CreateCounter<long>(Hits, "{request}", "Memory misses answered by the distributed cache.");

    internal static readonly Counter<long> MissCounter = Meter.CreateCounter<long>(Misses, "{request}", "Memory misses the distributed cache could not answer.");

    internal static readonly Counter<long> ErrorCounter = Meter.CreateCounter<long>(Errors, "{call}", "Distributed cache calls that failed, timed out or were skipped.");

    internal static readonly UpDownCounter<long> CircuitsOpenCounter = Meter.CreateUpDownCounter<long>(CircuitsOpen, "{circuit}", "Distributed caches whose circuit is open.");

    internal static readonly Counter<long> LeaseCounter = Meter.CreateCounter<long>(Leases, "{lease}", "Fleet leases taken or waited for.");
}
