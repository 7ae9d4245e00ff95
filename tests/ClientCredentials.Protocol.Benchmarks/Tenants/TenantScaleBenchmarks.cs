using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ClientCredentials.Protocol.Benchmarks.Columns;
using ClientCredentials.Protocol.Benchmarks.Fakes;

namespace ClientCredentials.Protocol.Benchmarks.Tenants;

/// <summary>
/// The hit cost on ONE Entra client that holds a token for 1, 10,000 or 1,000,000 tenants: a call with a reused
/// parameters object naming one tenant (<see cref="HitOneTenant"/>), and one walking 1,024 tenants spread over the
/// whole cache (<see cref="HitSpreadTenants"/>, which also pays the CPU cache misses of a large table).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Tenants")]
[Config(typeof(Config))]
public class TenantScaleBenchmarks
{
    private const int SpreadCount = 1024;

    private CannedTokenEndpointHandler _handler = null!;
    private ClientCredentialsClient _client = null!;
    private TokenRequestParameters _oneTenant = null!;
    private TokenRequestParameters[] _spread = null!;
    private int _next;

    /// <summary>How many tenants the client holds a token for.</summary>
    [Params(1, 10_000, 1_000_000)]
    public int CachedTenants { get; set; }

    /// <summary>Fills the client's cache, then primes the reused parameters objects (one hit each).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var stopwatch = Stopwatch.StartNew();
        _handler = new CannedTokenEndpointHandler(CannedAccessToken.Short);
        _client = TenantFill.CreateClient(_handler, CachedTenants);
        var tenants = TenantFill.Tenants(CachedTenants);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        TenantFill.FillAsync(_client, tenants, Environment.ProcessorCount, timeout.Token).GetAwaiter().GetResult();
        Console.WriteLine($"// Setup: {_handler.TokenRequests:N0} token requests for {CachedTenants:N0} tenants in {stopwatch.Elapsed.TotalSeconds:N1} s.");

        _oneTenant = new TokenRequestParameters(BenchmarkTenant.Scope) { Tenant = tenants[CachedTenants / 2] };
        _spread = new TokenRequestParameters[SpreadCount];
        for (var i = 0; i < _spread.Length; i++)
        {
            _spread[i] = new TokenRequestParameters(BenchmarkTenant.Scope) { Tenant = tenants[(int)((long)i * CachedTenants / SpreadCount)] };
            _client.GetTokenAsync(_spread[i]).AsTask().GetAwaiter().GetResult();
        }

        _client.GetTokenAsync(_oneTenant).AsTask().GetAwaiter().GetResult();
        if (_handler.TokenRequests != CachedTenants)
        {
            throw new InvalidOperationException($"Filling {CachedTenants:N0} tenants took {_handler.TokenRequests:N0} token requests; expected one per tenant.");
        }

        _handler.ResetCounts();
    }

    /// <summary>Fails the run if any measured call missed the cache.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Cleanup: {_handler.TokenRequests} token requests during measurement (0: every call was a cache hit).");
        if (_handler.TokenRequests != 0)
        {
            throw new InvalidOperationException("A measured call missed the cache.");
        }
    }

    /// <summary><c>client.GetTokenAsync(parameters)</c> with a reused parameters object naming one tenant.</summary>
    [Benchmark]
    public ValueTask<AccessToken> HitOneTenant() => _client.GetTokenAsync(_oneTenant);

    /// <summary>The same call on the next of 1,024 tenants spread over the cache (each a reused parameters object).</summary>
    [Benchmark]
    public ValueTask<AccessToken> HitSpreadTenants() => _client.GetTokenAsync(_spread[_next++ & (SpreadCount - 1)]);

    /// <summary>Adds the "vs 1 tenant" column.</summary>
    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RelativeMeanColumn(
            "vs 1 tenant",
            "Mean time divided by the same benchmark's mean time with CachedTenants=1 (same job)",
            static (benchmark, candidate) => candidate.Descriptor == benchmark.Descriptor
                && candidate.Job.DisplayInfo == benchmark.Job.DisplayInfo
                && candidate.Parameters["CachedTenants"] is 1));
    }
}
