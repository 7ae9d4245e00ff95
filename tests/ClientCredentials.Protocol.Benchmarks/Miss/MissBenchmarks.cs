using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ClientCredentials.Protocol.Benchmarks.Columns;
using ClientCredentials.Protocol.Benchmarks.Contenders;
using ClientCredentials.Protocol.Benchmarks.Fakes;
using Microsoft.Identity.Client;

namespace ClientCredentials.Protocol.Benchmarks.Miss;

/// <summary>
/// The cost of a cache miss — a token request to the in-memory endpoint and the parse of its answer — next to the
/// floor any client pays: a bare <see cref="HttpClient"/> form POST over the same handler with a
/// <see cref="JsonDocument"/> parse of the answer. Every measured call reaches the endpoint: this library through a
/// reused parameters object with <see cref="TokenRequestParameters.ForceRefresh"/>, MSAL.NET with
/// <c>WithForceRefresh(true)</c>. The certificate pair signs an RS256/PS256 client assertion per request (RSA 2048).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Miss")]
[Config(typeof(Config))]
public class MissBenchmarks
{
    private static readonly Uri TokenEndpoint = new(BenchmarkTenant.AuthorityUrl + "oauth2/v2.0/token");
    private readonly string[] _msalScopes = [BenchmarkTenant.Scope];
    private readonly TokenRequestParameters _forceRefresh = new(BenchmarkTenant.Scope) { ForceRefresh = true };
    private CannedTokenEndpointHandler _handler = null!;
    private HttpClient _bareHttpClient = null!;
    private ClientCredentialsClient _secretClient = null!;
    private ClientCredentialsClient _certificateClient = null!;
    private IConfidentialClientApplication _msalSecret = null!;
    private IConfidentialClientApplication _msalCertificate = null!;

    /// <summary>Builds every contender over one handler and checks each answers with the canned token.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _handler = new CannedTokenEndpointHandler(CannedAccessToken.Realistic);
        _bareHttpClient = new HttpClient(_handler, disposeHandler: false);
        _secretClient = ThisLibrary.CreateEntraClient(_handler);
        _certificateClient = ThisLibrary.CreateEntraClient(_handler, new CertificateCredential(BenchmarkCertificate.Rsa2048));
        _msalSecret = Msal.CreateApplication(_handler);
        _msalCertificate = Msal.CreateApplication(_handler, BenchmarkCertificate.Rsa2048);

        foreach (var (name, token) in new (string, string)[]
        {
            ("bare POST", BareHttpClientPost().GetAwaiter().GetResult()),
            ("ClientCredentials.Protocol secret", SecretMiss().AsTask().GetAwaiter().GetResult().Token),
            ("ClientCredentials.Protocol certificate", CertificateMiss().AsTask().GetAwaiter().GetResult().Token),
            ("MSAL.NET secret", MsalSecretMiss().GetAwaiter().GetResult().AccessToken),
            ("MSAL.NET certificate", MsalCertificateMiss().GetAwaiter().GetResult().AccessToken),
        })
        {
            if (!string.Equals(token, CannedAccessToken.Realistic, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{name} did not return the canned token.");
            }
        }

        if (_handler.TokenRequests != 5 || _handler.OtherRequests != 0)
        {
            throw new InvalidOperationException($"Setup expected 5 token requests and nothing else; saw {_handler.TokenRequests} and {_handler.OtherRequests}.");
        }

        _handler.ResetCounts();
    }

    /// <summary>Fails the run if a measured call of a contender did not reach the endpoint.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Cleanup: {_handler.TokenRequests:N0} token requests and {_handler.OtherRequests} other requests during measurement.");
        if (_handler.OtherRequests != 0)
        {
            throw new InvalidOperationException("A contender sent something other than a token request.");
        }
    }

    /// <summary>The floor: a form POST with <see cref="FormUrlEncodedContent"/> and a <see cref="JsonDocument"/> parse of the answer.</summary>
    [Benchmark(Baseline = true)]
    public async Task<string> BareHttpClientPost()
    {
        using var content = new FormUrlEncodedContent(
        [
            new("client_id", BenchmarkTenant.ClientId),
            new("client_secret", BenchmarkTenant.ClientSecret),
            new("scope", BenchmarkTenant.Scope),
            new("grant_type", "client_credentials"),
        ]);
        using var response = await _bareHttpClient.PostAsync(TokenEndpoint, content).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        using var json = await JsonDocument.ParseAsync(body).ConfigureAwait(false);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>This library, client secret: <c>client.GetTokenAsync(parameters)</c> with <c>ForceRefresh</c>.</summary>
    [Benchmark]
    public ValueTask<AccessToken> SecretMiss() => _secretClient.GetTokenAsync(_forceRefresh);

    /// <summary>MSAL.NET, client secret: <c>AcquireTokenForClient(scopes).WithForceRefresh(true)</c>.</summary>
    [Benchmark]
    public Task<AuthenticationResult> MsalSecretMiss() => _msalSecret.AcquireTokenForClient(_msalScopes).WithForceRefresh(true).ExecuteAsync();

    /// <summary>This library, certificate (PS256 assertion signed per request).</summary>
    [Benchmark]
    public ValueTask<AccessToken> CertificateMiss() => _certificateClient.GetTokenAsync(_forceRefresh);

    /// <summary>MSAL.NET, certificate: <c>WithCertificate(certificate)</c> and <c>WithForceRefresh(true)</c>.</summary>
    [Benchmark]
    public Task<AuthenticationResult> MsalCertificateMiss() => _msalCertificate.AcquireTokenForClient(_msalScopes).WithForceRefresh(true).ExecuteAsync();

    /// <summary>Adds the "vs bare POST" and "vs MSAL" columns.</summary>
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new RelativeMeanColumn(
                "vs bare POST",
                "Mean time divided by BareHttpClientPost's mean time (same job)",
                static (benchmark, candidate) => candidate.Descriptor.WorkloadMethod.Name == nameof(BareHttpClientPost)
                    && candidate.Job.DisplayInfo == benchmark.Job.DisplayInfo));
            AddColumn(new RelativeMeanColumn(
                "vs MSAL",
                "Mean time divided by the MSAL.NET benchmark with the same credential (same job)",
                static (benchmark, candidate) => candidate.Job.DisplayInfo == benchmark.Job.DisplayInfo
                    && candidate.Descriptor.WorkloadMethod.Name == (benchmark.Descriptor.WorkloadMethod.Name.Contains("Certificate", StringComparison.Ordinal) ? nameof(MsalCertificateMiss) : nameof(MsalSecretMiss))));
        }
    }
}
