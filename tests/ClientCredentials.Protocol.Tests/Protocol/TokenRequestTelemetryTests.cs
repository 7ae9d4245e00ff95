using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using ClientCredentials.Protocol.Tests.Cache;
using ClientCredentials.Protocol.Tests.Infrastructure;
using ClientCredentials.Protocol.Tests.Resilience;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// What an OpenTelemetry user sees of each token endpoint request: one client span
/// (<see cref="ClientCredentialsTelemetry.TokenRequestActivity"/>) tagged with the host, client id, client-request-id and
/// HTTP status, marked as an error with the OAuth error code or the network exception's type; one
/// <see cref="ClientCredentialsTelemetry.RequestDuration"/> measurement per request tagged with the status and host; and
/// <see cref="ClientCredentialsTelemetry.Throttled"/> for each call refused by client-side throttling. Real listeners,
/// real loopback exchanges; the tests run alone because the listeners are process-wide.
/// </summary>
[Collection(ProcessWideMeasurements.Name)]
public sealed class TokenRequestTelemetryTests : IDisposable
{
    private static readonly TokenRequestResilienceOptions NoRetries = ResilienceTestClient.Fast with { MaxRetries = 0 };

    private readonly LoopbackWireMock _mock = LoopbackWireMock.Start();
    private readonly TelemetryRecorder _telemetry = new(ClientCredentialsTelemetry.TokenRequestActivity);

    public void Dispose()
    {
        _telemetry.Dispose();
        _mock.Dispose();
    }

    [Fact]
    public async Task A_token_request_is_one_client_span_tagged_with_host_client_id_request_id_and_status()
    {
        _mock.AnswerAlways(ResilienceTestClient.Ok("spanned"));
        var client = ResilienceTestClient.Create(_mock, NoRetries);

        await client.GetTokenAsync(new TokenRequestParameters(ResilienceTestClient.Scope) { CorrelationId = "telemetry-ok" });

        var span = Assert.Single(_telemetry.Spans);
        Assert.Equal(ClientCredentialsTelemetry.TokenRequestActivity, span.OperationName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("127.0.0.1", span.GetTagItem("server.address"));
        Assert.Equal(TestIds.SecretAppId, span.GetTagItem("oauth.client_id"));
        Assert.Equal("telemetry-ok", span.GetTagItem("client_request_id"));
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);

        var duration = Assert.Single(_telemetry.Durations);
        Assert.True(duration.Seconds > 0, "the request took time");
        Assert.Equal(200, duration.Tags["http.response.status_code"]);
        Assert.Equal("127.0.0.1", duration.Tags["server.address"]);
        Assert.Null(duration.Tags["region"]);
    }

    [Fact]
    public async Task An_error_answer_marks_the_span_with_the_OAuth_error_and_is_measured_with_its_status()
    {
        _mock.AnswerAlways(ResilienceTestClient.Error(401, "invalid_client", 7000215));
        var client = ResilienceTestClient.Create(_mock, NoRetries);

        await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());

        var span = Assert.Single(_telemetry.Spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("invalid_client", span.StatusDescription);
        Assert.Equal(401, span.GetTagItem("http.response.status_code"));
        Assert.Equal(401, Assert.Single(_telemetry.Durations).Tags["http.response.status_code"]);
    }

    [Fact]
    public async Task An_unreachable_endpoint_marks_the_span_with_the_exception_type_and_is_measured_without_a_status()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.Entra(tenant: TestIds.TenantId, instance: $"http://127.0.0.1:{port}/"),
            ClientId = TestIds.SecretAppId,
            Credential = new ClientSecretCredential("telemetry-test-secret"),
            Scopes = [ResilienceTestClient.Scope],
            Resilience = NoRetries,
        });

        var failure = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(async () => await client.GetTokenAsync());

        Assert.False(failure.TimedOut);
        var span = Assert.Single(_telemetry.Spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(nameof(HttpRequestException), span.StatusDescription);
        Assert.Null(span.GetTagItem("http.response.status_code"));
        var duration = Assert.Single(_telemetry.Durations);
        Assert.True(duration.Tags.ContainsKey("http.response.status_code"));
        Assert.Null(duration.Tags["http.response.status_code"]);
    }

    [Fact]
    public async Task The_duration_of_a_regional_request_carries_its_region_and_that_of_its_global_fallback_none()
    {
        var region = "t" + Guid.NewGuid().ToString("N")[..10];
        var regionalHost = $"{region}.login.microsoft.com";
        var handler = new ScriptedHttpHandler(r => r.RequestUri!.Host == regionalHost ? ScriptedHttpHandler.Json(503, """{"error":"temporarily_unavailable"}""") : ScriptedHttpHandler.Token("global"));
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.Entra(TestIds.TenantId, "login.microsoftonline.com", EntraRegion.Named(region)),
            ClientId = TestIds.SecretAppId,
            Credential = new ClientSecretCredential("telemetry-test-secret"),
            Scopes = [ResilienceTestClient.Scope],
            HttpClient = new HttpClient(handler),
            Resilience = NoRetries,
        });

        var token = await client.GetTokenAsync();

        Assert.Equal(RegionalRoute.GlobalAfterRegionalFailure, token.RegionalRoute);
        var regional = Assert.Single(_telemetry.Durations, d => Equals(d.Tags["region"], region));
        Assert.Equal(regionalHost, regional.Tags["server.address"]);
        Assert.Equal(503, regional.Tags["http.response.status_code"]);
    }

    [Fact]
    public async Task A_redirect_the_HttpClient_followed_marks_the_span_as_an_error()
    {
        var handler = new ScriptedHttpHandler(_ =>
        {
            var response = ScriptedHttpHandler.Token("answered-elsewhere");
            response.RequestMessage = new HttpRequestMessage(HttpMethod.Post, "https://elsewhere.example/token");
            return response;
        });
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.TokenEndpoint(new Uri("https://idp.example/token")),
            ClientId = "svc",
            Credential = new ClientSecretCredential("telemetry-test-secret"),
            Scopes = ["read"],
            HttpClient = new HttpClient(handler),
            Resilience = NoRetries,
        });

        await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(async () => await client.GetTokenAsync(new TokenRequestParameters("read") { CorrelationId = "telemetry-redirect" }));

        var span = Assert.Single(_telemetry.Spans, s => Equals(s.GetTagItem("client_request_id"), "telemetry-redirect"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("redirect_followed", span.StatusDescription);
    }

    [Fact]
    public async Task Each_call_refused_by_client_side_throttling_is_counted_and_sends_nothing()
    {
        _mock.AnswerAlways(ResilienceTestClient.Error(429, "temporarily_unavailable", 90033, new Dictionary<string, string> { ["Retry-After"] = "600" }));
        var client = ResilienceTestClient.Create(_mock, NoRetries, new TestClock());

        await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());
        await Assert.ThrowsAsync<TokenRequestThrottledException>(async () => await client.GetTokenAsync());
        await Assert.ThrowsAsync<TokenRequestThrottledException>(async () => await client.GetTokenAsync());

        Assert.Equal(2, _telemetry.Throttled);
        Assert.Equal(1, _mock.RequestCount);
        Assert.Single(_telemetry.Spans);
    }

    [Fact]
    public void The_meter_publishes_each_documented_instrument_with_its_unit_and_description()
    {
        var published = new List<(string Name, string? Unit, string? Description, string? Version)>();
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == ClientCredentialsTelemetry.Name)
                {
                    published.Add((instrument.Name, instrument.Unit, instrument.Description, instrument.Meter.Version));
                }
            };
            listener.Start();
        }

        var version = typeof(ClientCredentialsTelemetry).Assembly.GetName().Version!.ToString();
        Assert.All(published, instrument => Assert.Equal(version, instrument.Version));
        Assert.Equal(
            [
                (ClientCredentialsTelemetry.CacheHits, "{request}", "Token requests answered from the cache."),
                (ClientCredentialsTelemetry.CacheMisses, "{request}", "Token requests the cache could not answer."),
                (ClientCredentialsTelemetry.CacheRefreshes, "{request}", "Background refresh-ahead requests started."),
                (ClientCredentialsTelemetry.Failures, "{request}", "Token requests that failed."),
                (ClientCredentialsTelemetry.RegionalFallbacks, "{request}", "Requests sent to the global endpoint after the regional one failed."),
                (ClientCredentialsTelemetry.RequestDuration, "s", "Duration of token endpoint HTTP requests."),
                (ClientCredentialsTelemetry.Throttled, "{request}", "Calls refused by client-side throttling."),
            ],
            published.Select(i => (i.Name, i.Unit, i.Description)).OrderBy(i => i.Name, StringComparer.Ordinal));
    }
}
