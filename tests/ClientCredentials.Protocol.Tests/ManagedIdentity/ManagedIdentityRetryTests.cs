using System.Net;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>The IMDS retry rules (Microsoft's IMDS guidance, as MSAL.NET and Azure.Identity apply them), against a loopback IMDS.</summary>
public sealed class ManagedIdentityRetryTests : IAsyncLifetime, IDisposable
{
    private const string Scope = "https://management.azure.com/.default";
    private readonly ManagedIdentityTestEnvironment _environment = new();
    private ReplayEndpoint _imds = null!;

    public async Task InitializeAsync() => _imds = await ReplayEndpoint.StartAsync();

    public async Task DisposeAsync() => await _imds.DisposeAsync();

    public void Dispose() => _environment.Dispose();

    private ManagedIdentityCredential Credential(ManagedIdentityResilienceOptions? resilience = null) =>
        _environment.With("AZURE_POD_IDENTITY_AUTHORITY_HOST", _imds.BaseAddress.AbsoluteUri).Credential(resilience: resilience);

    private static RecordedResponse Status(int status, string body = "", IReadOnlyDictionary<string, string>? headers = null) => new(status, headers ?? ManagedIdentityTestEnvironment.Json, body);

    [Theory]
    [InlineData(404)]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Statuses_IMDS_says_to_retry_are_retried_then_succeed(int status)
    {
        _imds.Play(Status(status), Status(status), ManagedIdentityTestEnvironment.Success("after-retry"));
        var token = await Credential().GetTokenAsync(Scope);
        Assert.Equal(ManagedIdentityTestEnvironment.Token("after-retry"), token.Token);
        Assert.Equal(3, _imds.Requests.Count);
    }

    [Fact]
    public async Task A_404_while_the_identity_is_being_assigned_is_retried_three_times_then_reported()
    {
        _imds.Play(Status(404, """{"error":"not_found","error_description":"Identity not found"}"""));
        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await Credential().GetTokenAsync(Scope));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal(4, _imds.Requests.Count);
        Assert.StartsWith("The managed identity endpoint (IMDS) answered HTTP 404", error.Message);
    }

    [Fact]
    public async Task A_410_while_IMDS_is_updated_is_retried_up_to_seven_times()
    {
        _imds.Play(Status(410));
        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await Credential().GetTokenAsync(Scope));
        Assert.Equal(HttpStatusCode.Gone, error.StatusCode);
        Assert.True(error.IsTransient);
        Assert.Equal(8, _imds.Requests.Count);
    }

    [Fact]
    public void The_backoff_is_10_s_for_410_a_capped_Retry_After_or_1_2_4_s()
    {
        var options = new ManagedIdentityResilienceOptions();
        Assert.Equal(TimeSpan.FromSeconds(10), ManagedIdentityPipeline.Delay(new TokenEndpointException(new TokenEndpointError { StatusCode = HttpStatusCode.Gone, Error = "x" }), 5, options));
        Assert.Equal(TimeSpan.FromSeconds(1), ManagedIdentityPipeline.Delay(new TokenEndpointException(new TokenEndpointError { StatusCode = HttpStatusCode.InternalServerError, Error = "x" }), 0, options));
        Assert.Equal(TimeSpan.FromSeconds(2), ManagedIdentityPipeline.Delay(new TokenEndpointException(new TokenEndpointError { StatusCode = HttpStatusCode.InternalServerError, Error = "x" }), 1, options));
        Assert.Equal(TimeSpan.FromSeconds(4), ManagedIdentityPipeline.Delay(new TokenEndpointException(new TokenEndpointError { StatusCode = HttpStatusCode.InternalServerError, Error = "x" }), 2, options));
        Assert.Equal(TimeSpan.FromSeconds(4), ManagedIdentityPipeline.Delay(new TokenEndpointException(new TokenEndpointError { StatusCode = HttpStatusCode.InternalServerError, Error = "x" }), 9, options));
        Assert.Equal(TimeSpan.FromSeconds(3), ManagedIdentityPipeline.Delay(new TokenEndpointException(new TokenEndpointError { StatusCode = HttpStatusCode.TooManyRequests, Error = "x", RetryAfter = TimeSpan.FromSeconds(3) }), 0, options));
        Assert.Equal(TimeSpan.FromSeconds(4), ManagedIdentityPipeline.Delay(new TokenEndpointException(new TokenEndpointError { StatusCode = HttpStatusCode.TooManyRequests, Error = "x", RetryAfter = TimeSpan.FromMinutes(3) }), 0, options));
    }

    [Theory]
    [InlineData(400, """{"error":"invalid_request","error_description":"Identity not found"}""")]
    [InlineData(401, """{"error":"unknown_source","error_description":"Unknown Source"}""")]
    [InlineData(403, "")]
    public async Task Other_4xx_are_never_retried(int status, string body)
    {
        _imds.Play(Status(status, body));
        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await Credential().GetTokenAsync(Scope));
        Assert.Equal(status, (int)error.StatusCode);
        Assert.False(error.IsTransient);
        Assert.Single(_imds.Requests);
    }

    [Fact]
    public async Task Identity_not_found_names_the_fix()
    {
        _imds.Play(Status(400, """{"error":"invalid_request","error_description":"Identity not found"}"""));
        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await Credential().GetTokenAsync(Scope));
        Assert.Equal("invalid_request", error.Error);
        Assert.Equal("Identity not found", error.ErrorDescription);
        Assert.Contains("assigned", error.Remedy);
    }

    [Fact]
    public async Task MaxRetries_zero_sends_once()
    {
        _imds.Play(Status(503));
        await Assert.ThrowsAsync<TokenEndpointException>(async () => await Credential(ManagedIdentityTestEnvironment.FastRetries with { MaxRetries = 0 }).GetTokenAsync(Scope));
        Assert.Single(_imds.Requests);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_retried_then_reported_as_unreachable()
    {
        int port;
        await using (var closed = await ReplayEndpoint.StartAsync())
        {
            port = closed.BaseAddress.Port;
        }

        var credential = _environment.With("AZURE_POD_IDENTITY_AUTHORITY_HOST", $"http://127.0.0.1:{port}").Credential();
        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(async () => await credential.GetTokenAsync(Scope));
        Assert.False(error.TimedOut);
        Assert.Equal(4, _environment.Guard.Destinations.Count);
        Assert.Contains("IMDS", error.Message);
    }

    [Fact]
    public async Task A_hanging_endpoint_ends_at_the_overall_deadline_as_a_timeout()
    {
        _imds.Play(Status(200, ManagedIdentityTestEnvironment.Success("late").Body));
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var credential = _environment.With("AZURE_POD_IDENTITY_AUTHORITY_HOST", $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}")
                .Credential(resilience: ManagedIdentityTestEnvironment.FastRetries with { AttemptTimeout = TimeSpan.FromMilliseconds(100), TotalTimeout = TimeSpan.FromMilliseconds(350) });
            var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(async () => await credential.GetTokenAsync(Scope));
            Assert.True(error.TimedOut);
        }
        finally
        {
            listener.Stop();
        }
    }
}
