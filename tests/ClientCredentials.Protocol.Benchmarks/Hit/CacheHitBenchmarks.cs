using System.Collections.Concurrent;
using Azure.Core;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ClientCredentials.Protocol.Benchmarks.Columns;
using ClientCredentials.Protocol.Benchmarks.Contenders;
using ClientCredentials.Protocol.Benchmarks.Fakes;
using Microsoft.Identity.Client;

namespace ClientCredentials.Protocol.Benchmarks.Hit;

/// <summary>
/// The cost of a cache hit — the call every outgoing request makes — for this library, MSAL.NET and Azure.Identity
/// against the same in-memory token endpoint, with a bare <see cref="ConcurrentDictionary{TKey,TValue}"/> lookup as
/// the floor. Setup primes each cache with one request and checks it was the only request; cleanup checks that
/// no measured call reached the endpoint, so every measured call was a hit.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Hit")]
[Config(typeof(Config))]
public class CacheHitBenchmarks
{
    private readonly string[] _msalScopes = [BenchmarkTenant.Scope];
    private readonly TokenRequestContext _azureContext = new([BenchmarkTenant.Scope]);
    private readonly TokenRequestParameters _explicitParameters = new(BenchmarkTenant.Scope);
    private readonly TokenRequestParameters _otherTenantParameters = new(BenchmarkTenant.Scope) { Tenant = BenchmarkTenant.OtherTenantId };
    private readonly ConcurrentDictionary<string, string> _dictionary = new();
    private CannedTokenEndpointHandler _handler = null!;
    private ClientCredentialsClient _client = null!;
    private IConfidentialClientApplication _msal = null!;
    private Azure.Identity.ClientSecretCredential _azure = null!;

    /// <summary>Builds the three contenders over one handler and puts one token in each cache.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _handler = new CannedTokenEndpointHandler(CannedAccessToken.Realistic);
        _client = ThisLibrary.CreateEntraClient(_handler);
        _msal = Msal.CreateApplication(_handler);
        _azure = AzureIdentity.CreateCredential(_handler);
        _dictionary[BenchmarkTenant.Scope] = CannedAccessToken.Realistic;

        Expect(_client.GetTokenAsync().AsTask().GetAwaiter().GetResult().Token, "ClientCredentials.Protocol");
        Expect(_client.GetTokenAsync(_otherTenantParameters).AsTask().GetAwaiter().GetResult().Token, "ClientCredentials.Protocol (other tenant)");
        Expect(_msal.AcquireTokenForClient(_msalScopes).ExecuteAsync().GetAwaiter().GetResult().AccessToken, "MSAL.NET");
        Expect(_azure.GetTokenAsync(_azureContext, CancellationToken.None).AsTask().GetAwaiter().GetResult().Token, "Azure.Identity");
        if (_handler.TokenRequests != 4 || _handler.OtherRequests != 0)
        {
            throw new InvalidOperationException($"Priming the caches should take exactly 4 token requests and nothing else; it took {_handler.TokenRequests} token and {_handler.OtherRequests} other requests.");
        }

        Console.WriteLine("// Setup: 4 token requests (one per contender, and one for this library's second tenant), 0 other requests (no instance discovery or metadata).");
        _handler.ResetCounts();
    }

    /// <summary>Fails the run if any measured call went to the endpoint instead of the cache.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Cleanup: {_handler.TokenRequests} token requests and {_handler.OtherRequests} other requests during measurement (0 and 0: every call was a cache hit).");
        if (_handler.TokenRequests != 0 || _handler.OtherRequests != 0)
        {
            throw new InvalidOperationException("A measured call missed the cache and reached the token endpoint.");
        }
    }

    /// <summary>The floor: a lock-free hash lookup from scope to token string.</summary>
    [Benchmark(Baseline = true)]
    public string ConcurrentDictionaryLookup() =>
        _dictionary.TryGetValue(BenchmarkTenant.Scope, out var token) ? token : throw new InvalidOperationException("The baseline dictionary lost its entry.");

    /// <summary>
    /// Not a contender: one <c>TimeProvider.System.GetUtcNow()</c>, the clock read every hit of this library makes
    /// (to compare with the token's deadlines), shown so the hit's cost can be split into clock and lookup.
    /// </summary>
    [Benchmark]
    public DateTimeOffset ClockRead() => TimeProvider.System.GetUtcNow();

    /// <summary>This library, default scopes: <c>client.GetTokenAsync()</c>.</summary>
    [Benchmark]
    public ValueTask<AccessToken> ClientCredentialsProtocol() => _client.GetTokenAsync();

    /// <summary>This library with the scopes passed on every call: <c>client.GetTokenAsync(parameters)</c>.</summary>
    [Benchmark]
    public ValueTask<AccessToken> ClientCredentialsProtocolExplicitScopes() => _client.GetTokenAsync(_explicitParameters);

    /// <summary>This library, another tenant than the authority's: <c>client.GetTokenAsync(parameters)</c> with a reused parameters object naming it.</summary>
    [Benchmark]
    public ValueTask<AccessToken> ClientCredentialsProtocolOtherTenant() => _client.GetTokenAsync(_otherTenantParameters);

    /// <summary>MSAL.NET: <c>AcquireTokenForClient(scopes).ExecuteAsync()</c>.</summary>
    [Benchmark]
    public Task<AuthenticationResult> MsalNet() => _msal.AcquireTokenForClient(_msalScopes).ExecuteAsync();

    /// <summary>Azure.Identity: <c>ClientSecretCredential.GetTokenAsync(context)</c>.</summary>
    [Benchmark]
    public ValueTask<Azure.Core.AccessToken> AzureIdentityCredential() => _azure.GetTokenAsync(_azureContext, CancellationToken.None);

    private static void Expect(string token, string contender)
    {
        if (!string.Equals(token, CannedAccessToken.Realistic, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{contender} did not return the canned token.");
        }
    }

    /// <summary>Adds the "× this library" column.</summary>
    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RelativeMeanColumn(
            "vs ClientCredentials",
            "Mean time divided by ClientCredentialsProtocol's mean time (same job)",
            static (benchmark, candidate) => candidate.Descriptor.WorkloadMethod.Name == nameof(ClientCredentialsProtocol)
                && candidate.Job.DisplayInfo == benchmark.Job.DisplayInfo));
    }
}
