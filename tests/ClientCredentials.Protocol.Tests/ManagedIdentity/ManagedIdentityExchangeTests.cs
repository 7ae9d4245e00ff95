using System.Diagnostics;
using System.Net;
using ClientCredentials.Protocol.Testing;
using ClientCredentials.Protocol.Tests.Cache;
using ClientCredentials.Protocol.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>
/// One managed identity exchange as an operator sees it: its client span and duration measurement (tagged with host,
/// source, request id and status), its log lines (never the secret header or the Arc key), and how a network failure, a
/// timeout, the caller's cancellation and an oversized body end. In-memory handler, test clock; the listeners are
/// process-wide, so these tests run alone.
/// </summary>
[Collection(ProcessWideMeasurements.Name)]
public sealed class ManagedIdentityExchangeTests : IDisposable
{
    private const string Resource = "https://vault.azure.net";
    private static readonly Uri TokenEndpoint = new("http://127.0.0.1:8080/metadata/identity/oauth2/token");
    private static readonly string[] Scopes = ["https://vault.azure.net/.default"];

    private readonly TestClock _clock = new();
    private readonly RecordingLogger _logger = new();
    private readonly TelemetryRecorder _telemetry = new(ClientCredentialsTelemetry.ManagedIdentityRequestActivity);
    private readonly string _keyDirectory = Directory.CreateTempSubdirectory("cc-arc-exchange-").FullName;

    public void Dispose()
    {
        _telemetry.Dispose();
        Directory.Delete(_keyDirectory, recursive: true);
    }

    /// <summary>An exchange with IMDS (at a loopback address) answered by <paramref name="answer"/>, which takes 1.5 s of test time.</summary>
    private ManagedIdentityEndpointClient Client(Func<HttpRequestMessage, HttpResponseMessage> answer, ManagedIdentityEndpoint? endpoint = null) =>
        new(
            new HttpClient(new ScriptedHttpHandler(request =>
            {
                _clock.Advance(TimeSpan.FromSeconds(1.5));
                return answer(request);
            })),
            endpoint ?? new ImdsEndpoint(TokenEndpoint, ManagedIdentityId.SystemAssigned),
            _clock,
            _logger);

    private static HttpResponseMessage Token(string token) => ScriptedHttpHandler.Json(200, $$"""{"access_token":"{{token}}","expires_in":"3600","token_type":"Bearer"}""");

    [Fact]
    public async Task A_token_is_one_client_span_one_measurement_and_two_log_lines_without_the_token()
    {
        var token = await Client(_ => Token("mi-token-1")).SendAsync(Resource, Scopes, "corr-1", CancellationToken.None);

        Assert.Equal("mi-token-1", token.Token);
        Assert.Equal(TestClock.DefaultStart.AddHours(1), token.ExpiresOn);
        Assert.Equal("corr-1", token.CorrelationId);

        var span = Assert.Single(_telemetry.Spans);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("127.0.0.1", span.GetTagItem("server.address"));
        Assert.Equal("IMDS", span.GetTagItem("managed_identity.source"));
        Assert.Equal("corr-1", span.GetTagItem("client_request_id"));
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);

        var (seconds, tags) = Assert.Single(_telemetry.Durations);
        Assert.Equal(1.5, seconds);
        Assert.Equal(200, tags["http.response.status_code"]);
        Assert.Equal("127.0.0.1", tags["server.address"]);
        Assert.Equal("IMDS", tags["managed_identity.source"]);

        Assert.Collection(
            _logger.Records,
            sending =>
            {
                Assert.Equal((LogLevel.Debug, 1101), (sending.Level, sending.EventId));
                Assert.Equal("Requesting a managed identity token from IMDS at http://127.0.0.1:8080/metadata/identity/oauth2/token (system-assigned, resource https://vault.azure.net, request id corr-1).", sending.Message);
            },
            received =>
            {
                Assert.Equal((LogLevel.Information, 1102), (received.Level, received.EventId));
                Assert.Equal($"IMDS issued managed identity token {TokenFingerprint.Of("mi-token-1")}, expires 2026-01-01 01:00:00Z (request id corr-1).", received.Message);
            });
    }

    [Fact]
    public async Task An_error_answer_marks_the_span_with_the_error_and_logs_its_codes()
    {
        var client = Client(_ => ScriptedHttpHandler.Json(400, """{"error":"invalid_request","error_description":"Identity not found","error_codes":[500011,700016]}"""));

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => client.SendAsync(Resource, Scopes, "corr-2", CancellationToken.None));

        Assert.Equal("invalid_request", error.Error);
        var span = Assert.Single(_telemetry.Spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("invalid_request", span.StatusDescription);
        Assert.Equal(400, span.GetTagItem("http.response.status_code"));
        Assert.Equal(400, Assert.Single(_telemetry.Durations).Tags["http.response.status_code"]);
        var warning = Assert.Single(_logger.Records, r => r.EventId == 1103);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("IMDS answered HTTP 400 invalid_request (codes 500011,700016, request id corr-2).", warning.Message);
    }

    public static TheoryData<Exception, bool, string> NetworkFailures() => new()
    {
        { new HttpRequestException("Connection refused (127.0.0.1:8080)"), false, "could not be reached: Connection refused (127.0.0.1:8080) Is this process running on an Azure resource with a managed identity?" },
        { new IOException("Broken pipe"), false, "could not be reached: Broken pipe Is this process running on an Azure resource with a managed identity?" },
        { new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout."), true, "did not answer before the HttpClient timeout." },
    };

    [Theory]
    [MemberData(nameof(NetworkFailures))]
    public async Task A_network_failure_or_an_HttpClient_timeout_is_an_unreachable_endpoint(Exception failure, bool timedOut, string reason)
    {
        var client = Client(_ => throw failure);

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => client.SendAsync(Resource, Scopes, "corr-3", CancellationToken.None));

        Assert.Equal(timedOut, error.TimedOut);
        Assert.Equal(TokenEndpoint, error.TokenEndpoint);
        Assert.Equal("corr-3", error.CorrelationId);
        Assert.Same(failure, error.InnerException);
        Assert.Equal($"The managed identity endpoint {TokenEndpoint} (IMDS) {reason}", error.Message);

        var span = Assert.Single(_telemetry.Spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(failure.GetType().Name, span.StatusDescription);
        Assert.Null(Assert.Single(_telemetry.Durations).Tags["http.response.status_code"]);
        var warning = Assert.Single(_logger.Records, r => r.EventId == 1104);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal($"Managed identity endpoint {TokenEndpoint} (IMDS) unreachable (timed out: {timedOut}): {failure.Message} (request id corr-3).", warning.Message);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_an_unreachable_endpoint()
    {
        using var cancelled = new CancellationTokenSource();
        var client = Client(_ =>
        {
            cancelled.Cancel();
            throw new OperationCanceledException(cancelled.Token);
        });

        await Assert.ThrowsAsync<OperationCanceledException>(() => client.SendAsync(Resource, Scopes, "corr-4", cancelled.Token));
        Assert.DoesNotContain(_logger.Records, r => r.EventId == 1104);
    }

    [Fact]
    public async Task A_body_that_breaks_off_while_it_is_read_is_an_unreachable_endpoint()
    {
        var client = Client(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new BreakingStream()) });

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => client.SendAsync(Resource, Scopes, "corr-9", CancellationToken.None));

        Assert.IsType<IOException>(error.InnerException);
        Assert.False(error.TimedOut);
    }

    /// <summary>A response body whose connection breaks on the first read.</summary>
    private sealed class BreakingStream : MemoryStream
    {
        public override bool CanSeek => false;

        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("Connection reset by peer");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(new IOException("Connection reset by peer"));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromException<int>(new IOException("Connection reset by peer"));
    }

    [Fact]
    public async Task Another_exception_is_not_taken_for_a_network_failure()
    {
        var client = Client(_ => throw new InvalidOperationException("bug"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(Resource, Scopes, "corr-5", CancellationToken.None));
    }

    [Fact]
    public async Task A_body_over_1_MiB_is_an_invalid_response_with_its_status()
    {
        var client = Client(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[ResponseBodyReader.MaxBodyBytes + 1]) });

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => client.SendAsync(Resource, Scopes, "corr-6", CancellationToken.None));

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Equal(TokenResponseReader.InvalidResponse, error.Error);
        var tooLarge = Assert.IsType<ResponseTooLargeException>(error.InnerException);
        Assert.Equal(tooLarge.Message, error.ErrorDescription);
        Assert.StartsWith("The managed identity endpoint (IMDS)", error.Message);
        Assert.Equal(ActivityStatusCode.Error, Assert.Single(_telemetry.Spans).Status);
    }

    [Fact]
    public async Task An_Arc_challenge_is_answered_in_the_same_exchange_and_the_key_is_never_logged()
    {
        var keyFile = Path.Combine(_keyDirectory, "challenge.key");
        await File.WriteAllTextAsync(keyFile, "arc-secret-key");
        var endpoint = new AzureArcEndpoint(new Uri("http://127.0.0.1:40342/metadata/identity/oauth2/token"), ManagedIdentityId.SystemAssigned, new ArcKeyFilePolicy(_keyDirectory));
        var authorizations = new List<string?>();
        var client = Client(
            request =>
            {
                authorizations.Add(request.Headers.Authorization?.ToString());
                return request.Headers.Authorization is null
                    ? ScriptedHttpHandler.Json(401, "{}", ("WWW-Authenticate", $"Basic realm={keyFile}"))
                    : Token("arc-token");
            },
            endpoint);

        var token = await client.SendAsync(Resource, Scopes, "corr-7", CancellationToken.None);

        Assert.Equal("arc-token", token.Token);
        Assert.Equal([null, "Basic arc-secret-key"], authorizations);
        Assert.Equal(200, Assert.Single(_telemetry.Spans).GetTagItem("http.response.status_code"));
        var (seconds, tags) = Assert.Single(_telemetry.Durations);
        Assert.Equal(3.0, seconds);
        Assert.Equal(200, tags["http.response.status_code"]);
        Assert.Equal("Azure Arc", tags["managed_identity.source"]);
        var challenged = Assert.Single(_logger.Records, r => r.EventId == 1105);
        Assert.Equal((LogLevel.Debug, "Azure Arc challenged the request; answering with its key file (request id corr-7)."), (challenged.Level, challenged.Message));
        Assert.All(_logger.Records, r => Assert.DoesNotContain("arc-secret-key", r.Message));
    }

    [Fact]
    public async Task A_refused_Arc_answer_is_measured_with_the_answers_status()
    {
        var keyFile = Path.Combine(_keyDirectory, "challenge.key");
        await File.WriteAllTextAsync(keyFile, "arc-secret-key");
        var endpoint = new AzureArcEndpoint(new Uri("http://127.0.0.1:40342/metadata/identity/oauth2/token"), ManagedIdentityId.SystemAssigned, new ArcKeyFilePolicy(_keyDirectory));
        var client = Client(
            request => request.Headers.Authorization is null
                ? ScriptedHttpHandler.Json(401, "{}", ("WWW-Authenticate", $"Basic realm={keyFile}"))
                : ScriptedHttpHandler.Json(403, """{"error":"forbidden"}"""),
            endpoint);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => client.SendAsync(Resource, Scopes, "corr-8", CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal(403, Assert.Single(_telemetry.Durations).Tags["http.response.status_code"]);
        Assert.Equal(403, Assert.Single(_telemetry.Spans).GetTagItem("http.response.status_code"));
        Assert.Same(endpoint, client.Endpoint);
    }
}
