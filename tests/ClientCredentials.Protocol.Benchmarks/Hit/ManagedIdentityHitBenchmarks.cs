using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using ClientCredentials.Protocol.Benchmarks.Contenders;
using ClientCredentials.Protocol.Benchmarks.Fakes;

namespace ClientCredentials.Protocol.Benchmarks.Hit;

/// <summary>
/// A managed identity token from the cache costs what any cached token costs: this library's
/// <see cref="ManagedIdentityCredential"/> hit next to its <see cref="ClientCredentialsClient"/> hit. The managed
/// identity endpoint is in memory (an IMDS-shaped answer); the credential is pointed at a loopback IMDS address, so
/// nothing could leave the process even if the handler were bypassed. Cleanup checks every measured call was a hit.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Hit")]
public class ManagedIdentityHitBenchmarks
{
    private const string Scope = "https://management.azure.com/.default";
    private InMemoryImds _imds = null!;
    private ManagedIdentityCredential _managedIdentity = null!;
    private ClientCredentialsClient _client = null!;

    /// <summary>Primes both caches with one request each.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _imds = new InMemoryImds(CannedAccessToken.Realistic);
        _managedIdentity = new ManagedIdentityCredential(new ManagedIdentityOptions
        {
            Source = ManagedIdentitySource.Imds,
            ImdsEndpoint = new Uri("http://127.0.0.1:1"),
            GetEnvironmentVariable = _ => null,
            HttpClient = new HttpClient(_imds),
        });
        _client = ThisLibrary.CreateEntraClient(new CannedTokenEndpointHandler(CannedAccessToken.Realistic));
        _ = _managedIdentity.GetTokenAsync(Scope).AsTask().GetAwaiter().GetResult();
        _ = _client.GetTokenAsync().AsTask().GetAwaiter().GetResult();
        if (_imds.Requests != 1)
        {
            throw new InvalidOperationException($"Priming should take one managed identity request; it took {_imds.Requests}.");
        }
    }

    /// <summary>Fails the run if a measured call reached the endpoint.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (_imds.Requests != 1)
        {
            throw new InvalidOperationException("A measured managed identity call missed the cache.");
        }
    }

    /// <summary>The client credentials hit, for comparison.</summary>
    [Benchmark(Baseline = true)]
    public ValueTask<AccessToken> ClientCredentialsClientHit() => _client.GetTokenAsync();

    /// <summary><c>managedIdentity.GetTokenAsync(scope)</c> from the cache.</summary>
    [Benchmark]
    public ValueTask<AccessToken> ManagedIdentityCredentialHit() => _managedIdentity.GetTokenAsync(Scope);

    /// <summary>Answers every request with an IMDS success body (numbers as strings, <c>expires_on</c> an hour ahead).</summary>
    private sealed class InMemoryImds(string accessToken) : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            var expiresOn = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"access_token":"{{accessToken}}","expires_in":"3599","expires_on":"{{expiresOn}}","resource":"https://management.azure.com/","token_type":"Bearer"}"""));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }
    }
}
