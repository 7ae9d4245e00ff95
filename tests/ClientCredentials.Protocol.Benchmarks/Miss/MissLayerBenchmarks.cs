using BenchmarkDotNet.Attributes;
using ClientCredentials.Protocol.Benchmarks.Contenders;
using ClientCredentials.Protocol.Benchmarks.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClientCredentials.Protocol.Benchmarks.Miss;

/// <summary>
/// Where the time of a secret miss goes, layer by layer, against the same in-memory endpoint as
/// <see cref="MissBenchmarks"/>: the endpoint client alone (build the form, send, read and check the answer), then
/// with the resilience pipeline around it (retry and timeouts), then the whole miss through the cache (single flight
/// and the shared-request deadline). Each row includes the ones above it; the differences are each layer's cost.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Miss")]
public class MissLayerBenchmarks
{
    private readonly TokenRequestParameters _forceRefresh = new(BenchmarkTenant.Scope) { ForceRefresh = true };
    private CannedTokenEndpointHandler _handler = null!;
    private ClientCredentialsClient _client = null!;
    private TokenEndpointClient _endpoint = null!;
    private TokenCacheKey _key = null!;

    /// <summary>Builds the client and a bare endpoint client over one handler.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _handler = new CannedTokenEndpointHandler(CannedAccessToken.Realistic);
        _client = ThisLibrary.CreateEntraClient(_handler);
        _endpoint = new TokenEndpointClient(
            new HttpClient(_handler, disposeHandler: false),
            _client.Authority,
            _client.ClientId,
            new ClientSecretCredential(BenchmarkTenant.ClientSecret),
            TimeProvider.System,
            defaultLifetime: null,
            NullLogger.Instance);
        _key = _client.KeyFor(_forceRefresh);
        if (EndpointOnly().GetAwaiter().GetResult().Token != CannedAccessToken.Realistic
            || PipelineAndEndpoint().GetAwaiter().GetResult().Token != CannedAccessToken.Realistic
            || WholeMiss().AsTask().GetAwaiter().GetResult().Token != CannedAccessToken.Realistic)
        {
            throw new InvalidOperationException("A layer did not return the canned token.");
        }
    }

    /// <summary>The endpoint client alone: one attempt.</summary>
    [Benchmark(Baseline = true)]
    public Task<AccessToken> EndpointOnly() => _endpoint.SendAsync(_key, "00000000-0000-0000-0000-000000000001", CancellationToken.None);

    /// <summary>The client's acquisition: throttle gate, resilience pipeline (total timeout, retry, attempt timeout) and the endpoint client.</summary>
    [Benchmark]
    public ValueTask<AccessToken> PipelineAndEndpoint() => ((ITokenAcquirer)_client).AcquireAsync(_key, CancellationToken.None);

    /// <summary>The whole forced miss: the cache's single flight and shared-request deadline around the acquisition.</summary>
    [Benchmark]
    public ValueTask<AccessToken> WholeMiss() => _client.GetTokenAsync(_forceRefresh);
}
