using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ClientCredentials.Protocol.Benchmarks.Columns;
using ClientCredentials.Protocol.Benchmarks.Contenders;

namespace ClientCredentials.Protocol.Benchmarks.Scale;

/// <summary>
/// How the hit cost of one <see cref="TokenCache"/> changes with the number of tokens it holds (one per scope,
/// filled through a generic-server client). <see cref="HitOneKey"/> is the public default-scopes call on one key;
/// <see cref="HitSpreadKeys"/> walks 1,024 keys spread over the whole table, so the lookup also pays the CPU cache
/// misses a large table causes.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Scale")]
[Config(typeof(Config))]
public class CacheScaleBenchmarks
{
    private const int SpreadKeyCount = 1024;

    private CacheFill _fill = null!;
    private ClientCredentialsClient _reader = null!;
    private TokenCacheKey[] _spreadKeys = null!;
    private int _nextSpreadKey;

    /// <summary>How many distinct keys the cache holds.</summary>
    [Params(1, 10_000, 1_000_000)]
    public int CachedKeys { get; set; }

    /// <summary>Fills the cache and prepares a reader whose default scope is the middle key.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var stopwatch = Stopwatch.StartNew();
        _fill = CacheFill.Prepare(CachedKeys);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        _fill.FillAsync(parallelism: Environment.ProcessorCount, timeout.Token).GetAwaiter().GetResult();
        Console.WriteLine($"// Setup: filled {_fill.Cache.Count:N0} keys with {_fill.Handler.TokenRequests:N0} token requests in {stopwatch.Elapsed.TotalSeconds:N1} s.");

        _reader = ThisLibrary.CreateGenericClient(_fill.Handler, _fill.Cache, defaultScope: CacheFill.ScopeAt(CachedKeys / 2));
        _spreadKeys = new TokenCacheKey[SpreadKeyCount];
        for (var i = 0; i < _spreadKeys.Length; i++)
        {
            _spreadKeys[i] = _fill.Client.KeyFor(new TokenRequestParameters(CacheFill.ScopeAt((int)((long)i * CachedKeys / SpreadKeyCount))));
        }

        _fill.Handler.ResetCounts();
    }

    /// <summary>Fails the run if any measured call missed the cache.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Cleanup: {_fill.Handler.TokenRequests} token requests during measurement (0: every call was a cache hit); {_fill.Cache.Count:N0} keys cached.");
        if (_fill.Handler.TokenRequests != 0 || _fill.Cache.Count != CachedKeys)
        {
            throw new InvalidOperationException("A measured call missed the cache, or the cache lost keys.");
        }
    }

    /// <summary>The public call a client with default scopes makes: <c>client.GetTokenAsync()</c>, always the same key.</summary>
    [Benchmark]
    public ValueTask<AccessToken> HitOneKey() => _reader.GetTokenAsync();

    /// <summary>A hit on the next of 1,024 prebuilt keys spread evenly over the table (the cache's own lookup, key already built).</summary>
    [Benchmark]
    public ValueTask<AccessToken> HitSpreadKeys()
    {
        var key = _spreadKeys[_nextSpreadKey++ & (SpreadKeyCount - 1)];
        return _fill.Cache.GetTokenAsync(key, _fill.Client, forceRefresh: false, CancellationToken.None);
    }

    /// <summary>Adds the "× 1 key" column.</summary>
    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RelativeMeanColumn(
            "vs 1 key",
            "Mean time divided by the same benchmark's mean time with CachedKeys=1 (same job)",
            static (benchmark, candidate) => candidate.Descriptor == benchmark.Descriptor
                && candidate.Job.DisplayInfo == benchmark.Job.DisplayInfo
                && candidate.Parameters["CachedKeys"] is 1));
    }
}
