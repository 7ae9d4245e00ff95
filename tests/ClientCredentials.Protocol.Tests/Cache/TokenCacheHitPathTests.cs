using System.Diagnostics.Metrics;

namespace ClientCredentials.Protocol.Tests.Cache;

/// <summary>
/// Tests that observe process-wide state (the library's Meter, per-thread allocation counts) run alone so that no
/// other test's cache adds to what they measure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMeasurements
{
    public const string Name = "Process-wide measurements";
}

[Collection(ProcessWideMeasurements.Name)]
public class TokenCacheHitPathTests
{
    [Fact]
    public async Task A_cache_hit_allocates_nothing_even_with_a_metrics_listener()
    {
        var context = new CacheTestContext();
        await context.Get();
        using var listener = new CounterListener();
        for (var i = 0; i < 100; i++)
        {
            _ = context.Hit();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            _ = context.Hit();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(10_100, listener.Total(ClientCredentialsTelemetry.CacheHits));
    }

    [Fact]
    public async Task Hits_misses_refreshes_and_failures_are_counted()
    {
        var context = new CacheTestContext();
        context.Acquirer.RefreshIn = TimeSpan.FromMinutes(10);
        using var listener = new CounterListener();

        var first = await context.Get();
        context.Hit();
        context.Hit();
        context.Acquirer.CloseGate();
        context.Acquirer.FailWith(Failures.Transient());
        context.Time.SetUtcNow(first.RefreshOn!.Value);
        context.Hit();
        await context.Acquirer.WaitForCallsAsync(2);
        var joined = context.Get(forceRefresh: true);
        context.Acquirer.OpenGate();
        await Assert.ThrowsAsync<TokenEndpointException>(async () => await joined);
        context.Acquirer.FailWith(Failures.InvalidClient());
        await Assert.ThrowsAsync<TokenEndpointException>(async () => await context.Get(forceRefresh: true));

        Assert.Equal(3, listener.Total(ClientCredentialsTelemetry.CacheHits));
        Assert.Equal(3, listener.Total(ClientCredentialsTelemetry.CacheMisses));
        Assert.Equal(1, listener.Total(ClientCredentialsTelemetry.CacheRefreshes));
        Assert.Equal(1, listener.Total(ClientCredentialsTelemetry.Failures, ("refresh", true), ("transient", true)));
        Assert.Equal(1, listener.Total(ClientCredentialsTelemetry.Failures, ("refresh", false), ("transient", false)));
    }

    /// <summary>Sums the library's counters by name, keeping the tags of each measurement.</summary>
    private sealed class CounterListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _untagged = [];
        private readonly List<(string Name, long Value, KeyValuePair<string, object?>[] Tags)> _tagged = [];

        public CounterListener()
        {
            foreach (var name in new[] { ClientCredentialsTelemetry.CacheHits, ClientCredentialsTelemetry.CacheMisses, ClientCredentialsTelemetry.CacheRefreshes, ClientCredentialsTelemetry.Failures })
            {
                _untagged[name] = 0;
            }

            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ClientCredentialsTelemetry.Name && _untagged.ContainsKey(instrument.Name))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>(Record);
            _listener.Start();
        }

        public long Total(string name, params (string Key, object Value)[] tags)
        {
            lock (_tagged)
            {
                if (tags.Length == 0)
                {
                    return _untagged[name];
                }

                return _tagged
                    .Where(m => m.Name == name && tags.All(t => m.Tags.Any(tag => tag.Key == t.Key && Equals(tag.Value, t.Value))))
                    .Sum(m => m.Value);
            }
        }

        public void Dispose() => _listener.Dispose();

        private void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            lock (_tagged)
            {
                // The untagged total must not allocate: the hit-path allocation test runs with this listener on.
                _untagged[instrument.Name] += value;
                if (!tags.IsEmpty)
                {
                    _tagged.Add((instrument.Name, value, tags.ToArray()));
                }
            }
        }
    }
}
