using ClientCredentials.Protocol.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// What an operator reads in the log about each token request (events 1001–1005): the request, the token's
/// fingerprint and expiry (never the token), the OAuth error with its codes and trace id, a network failure or
/// HttpClient timeout (also in the exception's message), and a redirect the HttpClient followed. The endpoint is an
/// in-memory handler.
/// </summary>
public sealed class TokenEndpointLogTests
{
    private const string RequestId = "log-test-request";
    private static readonly Uri TokenEndpoint = new("https://idp.example/oauth2/token");
    private readonly RecordingLogger _logger = new();

    private ClientCredentialsClient Client(ScriptedHttpHandler handler) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.TokenEndpoint(TokenEndpoint),
        ClientId = "svc",
        Credential = new ClientSecretCredential("pw"),
        Scopes = ["read"],
        HttpClient = new HttpClient(handler),
        LoggerFactory = new RecordingLoggerFactory(_logger),
        Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
    });

    private static TokenRequestParameters Request => new("read") { CorrelationId = RequestId };

    private LogRecord Logged(int eventId) => Assert.Single(_logger.Records, r => r.EventId == eventId);

    [Fact]
    public async Task A_request_is_logged_before_it_is_sent_and_its_token_by_fingerprint_once_answered()
    {
        var token = await Client(new ScriptedHttpHandler(_ => ScriptedHttpHandler.Token("log-secret-token"))).GetTokenAsync(Request);

        var sending = Logged(1001);
        Assert.Equal(LogLevel.Debug, sending.Level);
        Assert.Equal($"Requesting a token from {TokenEndpoint.AbsoluteUri} for client svc (client-request-id {RequestId}).", sending.Message);
        var received = Logged(1002);
        Assert.Equal(LogLevel.Information, received.Level);
        Assert.Equal($"Token endpoint answered HTTP 200: token {TokenFingerprint.Of("log-secret-token")} expires {token.ExpiresOn:u} (client-request-id {RequestId}).", received.Message);
        Assert.DoesNotContain(_logger.Records, r => r.Message.Contains("log-secret-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_error_answer_is_logged_with_its_status_error_codes_and_trace_id()
    {
        var handler = new ScriptedHttpHandler(_ => ScriptedHttpHandler.Json(401, """{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215,7000222],"trace_id":"trace-7"}"""));

        await Assert.ThrowsAsync<TokenEndpointException>(async () => await Client(handler).GetTokenAsync(Request));

        var error = Logged(1003);
        Assert.Equal(LogLevel.Warning, error.Level);
        Assert.Equal($"Token endpoint answered HTTP 401 invalid_client (codes 7000215,7000222, trace_id trace-7, client-request-id {RequestId}).", error.Message);
    }

    [Fact]
    public async Task A_network_failure_is_logged_and_named_in_the_exception()
    {
        var handler = new ScriptedHttpHandler(_ => throw new HttpRequestException("connection refused by the test"));

        var failure = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(async () => await Client(handler).GetTokenAsync(Request));

        Assert.False(failure.TimedOut);
        Assert.Equal($"The token endpoint {TokenEndpoint.AbsoluteUri} could not be reached: connection refused by the test (client-request-id {RequestId}).", failure.Message);
        Assert.Equal($"Token endpoint {TokenEndpoint.AbsoluteUri} unreachable (timed out: False): connection refused by the test (client-request-id {RequestId}).", Logged(1004).Message);
    }

    [Fact]
    public async Task An_HttpClient_timeout_is_logged_and_named_in_the_exception_as_a_timeout()
    {
        var handler = new ScriptedHttpHandler(_ => throw new TaskCanceledException("the test's HttpClient timed out"));

        var failure = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(async () => await Client(handler).GetTokenAsync(Request));

        Assert.True(failure.TimedOut);
        Assert.Equal($"The token endpoint {TokenEndpoint.AbsoluteUri} did not answer before the HttpClient timeout (client-request-id {RequestId}).", failure.Message);
        var unreachable = Logged(1004).Message;
        Assert.StartsWith($"Token endpoint {TokenEndpoint.AbsoluteUri} unreachable (timed out: True): ", unreachable, StringComparison.Ordinal);
        Assert.EndsWith($" (client-request-id {RequestId}).", unreachable, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_the_HttpClient_followed_is_logged_as_an_error_naming_where_the_request_went()
    {
        var elsewhere = new Uri("https://elsewhere.example/collect");
        var handler = new ScriptedHttpHandler(_ =>
        {
            var response = ScriptedHttpHandler.Token("answered-elsewhere");
            response.RequestMessage = new HttpRequestMessage(HttpMethod.Post, elsewhere);
            return response;
        });

        await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(async () => await Client(handler).GetTokenAsync(Request));

        var redirect = Logged(1005);
        Assert.Equal(LogLevel.Error, redirect.Level);
        Assert.Equal($"The HttpClient followed a redirect of the token request to {TokenEndpoint.AbsoluteUri} to {AuthorityUri.Printable(elsewhere)}; the answer was refused and the credential may have reached that host (client-request-id {RequestId}).", redirect.Message);
    }
}
