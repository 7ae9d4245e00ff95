using System.Net;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// The messages and classification of the library's errors as a caller logs and branches on them: the token endpoint
/// error's one-line message (status, code, AADSTS numbers, the human part of the description, what the server sent,
/// the remedy, the wait, the ids, each only when present), which failures are transient, which wait the server asked
/// for, and the throttling and shared-request timeout messages.
/// </summary>
public sealed class ErrorMessageTests
{
    private const string AadDescription = "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 0000\r\nCorrelation ID: 1111\r\nTimestamp: 2026-01-01 00:00:00Z";

    [Fact]
    public void A_full_AAD_error_reads_as_one_line_with_every_part_in_order()
    {
        var error = new TokenEndpointException(new TokenEndpointError
        {
            StatusCode = HttpStatusCode.Unauthorized,
            Error = "invalid_client",
            ErrorDescription = AadDescription,
            ErrorCodes = [7000215],
            Remedy = "Check the client secret.",
            RetryAfter = TimeSpan.FromSeconds(1.2),
            TraceId = "trace-1",
            CorrelationId = "correlation-1",
        });

        Assert.Equal(
            "The token endpoint answered HTTP 401 invalid_client (AADSTS7000215): AADSTS7000215: Invalid client secret provided. Fix: Check the client secret. Retry after 2 s. (trace_id trace-1, correlation_id correlation-1)",
            error.Message);
    }

    [Fact]
    public void An_error_with_only_a_status_and_code_says_just_that()
    {
        var error = new TokenEndpointException(new TokenEndpointError { StatusCode = HttpStatusCode.ServiceUnavailable, Error = "temporarily_unavailable" });

        Assert.Equal("The token endpoint answered HTTP 503 temporarily_unavailable", error.Message);
    }

    [Fact]
    public void Several_AADSTS_codes_are_listed_and_a_missing_id_is_shown_as_a_dash()
    {
        var onlyCorrelation = new TokenEndpointException(new TokenEndpointError
        {
            StatusCode = HttpStatusCode.BadRequest,
            Error = "invalid_request",
            ErrorCodes = [90014, 50196],
            CorrelationId = "correlation-2",
        });
        var onlyTrace = new TokenEndpointException(new TokenEndpointError { StatusCode = HttpStatusCode.BadRequest, Error = "invalid_request", TraceId = "trace-2" });

        Assert.Equal("The token endpoint answered HTTP 400 invalid_request (AADSTS90014, AADSTS50196) (trace_id -, correlation_id correlation-2)", onlyCorrelation.Message);
        Assert.Equal("The token endpoint answered HTTP 400 invalid_request (trace_id trace-2, correlation_id -)", onlyTrace.Message);
    }

    [Fact]
    public void A_body_that_was_not_an_OAuth_error_is_quoted_from_its_snippet()
    {
        var error = new TokenEndpointException(new TokenEndpointError
        {
            StatusCode = HttpStatusCode.BadGateway,
            Error = "invalid_response",
            ResponseSnippet = "<html>Bad gateway</html>",
        });

        Assert.Equal("The token endpoint answered HTTP 502 invalid_response The server sent: \"<html>Bad gateway</html>\"", error.Message);
    }

    [Fact]
    public void The_message_neutralises_and_caps_what_the_server_sent()
    {
        var error = new TokenEndpointException(new TokenEndpointError
        {
            StatusCode = HttpStatusCode.BadRequest,
            Error = "bad\u001b[31m" + new string('e', 200),
            TraceId = new string('t', 200),
        });

        Assert.DoesNotContain('\u001b', error.Message);
        Assert.Contains("bad\\u001B[31m", error.Message);
        Assert.DoesNotContain(new string('e', 128), error.Message);
        Assert.Contains(new string('t', 127) + "…", error.Message);
        Assert.DoesNotContain(new string('t', 128), error.Message);
    }

    [Theory]
    [InlineData(500, "server_error", true)]
    [InlineData(599, "invalid_request", true)]
    [InlineData(408, "invalid_request", true)]
    [InlineData(429, "invalid_request", true)]
    [InlineData(410, "invalid_request", true)]
    [InlineData(400, "temporarily_unavailable", true)]
    [InlineData(400, "server_error", true)]
    [InlineData(499, "invalid_request", false)]
    [InlineData(400, "invalid_client", false)]
    [InlineData(401, "Temporarily_Unavailable", false)]
    [InlineData(404, "invalid_request", false)]
    public void Transient_means_5xx_408_429_410_temporarily_unavailable_or_server_error(int status, string code, bool transient)
    {
        var details = new TokenEndpointError { StatusCode = (HttpStatusCode)status, Error = code };

        Assert.Equal(transient, details.IsTransient);
        Assert.Equal(transient, new TokenEndpointException(details).IsTransient);
    }

    [Theory]
    [InlineData(429, true)]
    [InlineData(503, true)]
    [InlineData(500, false)]
    [InlineData(400, false)]
    public void Only_a_429_or_503_Retry_After_is_a_wait_the_server_asked_for(int status, bool asked)
    {
        var details = new TokenEndpointError { StatusCode = (HttpStatusCode)status, Error = "temporarily_unavailable", RetryAfter = TimeSpan.FromSeconds(7) };

        Assert.Equal(asked ? TimeSpan.FromSeconds(7) : null, details.ServerRequestedWait);
        Assert.Equal(TimeSpan.FromSeconds(7), new TokenEndpointException(details).RetryAfter);
    }

    [Fact]
    public void Loop_detection_is_AADSTS50196_among_the_codes()
    {
        Assert.True(new TokenEndpointError { StatusCode = HttpStatusCode.BadRequest, Error = "invalid_request", ErrorCodes = [90014, 50196] }.IsLoopDetected);
        Assert.False(new TokenEndpointError { StatusCode = HttpStatusCode.BadRequest, Error = "invalid_request", ErrorCodes = [50197] }.IsLoopDetected);
        Assert.False(new TokenEndpointError { StatusCode = HttpStatusCode.BadRequest, Error = "invalid_request" }.IsLoopDetected);
    }

    [Fact]
    public void The_exception_exposes_every_parsed_field_of_its_details()
    {
        var details = new TokenEndpointError
        {
            StatusCode = HttpStatusCode.BadRequest,
            Error = "invalid_grant",
            ErrorDescription = AadDescription,
            ErrorCodes = [7000215],
            SubError = "bad_token",
            Claims = "{\"access_token\":{}}",
            TraceId = "trace-3",
            CorrelationId = "correlation-3",
            Timestamp = "2026-01-01 00:00:00Z",
            ErrorUri = "https://login.example/error",
            Remedy = "Fix it.",
            ResponseSnippet = "snippet",
        };

        var error = new TokenEndpointException(details);

        Assert.Same(details, error.Details);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("invalid_grant", error.Error);
        Assert.Equal(AadDescription, error.ErrorDescription);
        Assert.Equal([7000215], error.ErrorCodes);
        Assert.Equal("bad_token", error.SubError);
        Assert.Equal("{\"access_token\":{}}", error.Claims);
        Assert.Equal("trace-3", error.TraceId);
        Assert.Equal("correlation-3", error.CorrelationId);
        Assert.Equal("2026-01-01 00:00:00Z", error.Timestamp);
        Assert.Equal("https://login.example/error", error.ErrorUri);
        Assert.Equal("Fix it.", error.Remedy);
        Assert.Equal("snippet", error.ResponseSnippet);
        Assert.Equal(error.Message, details.ToString());
    }

    [Fact]
    public void A_throttled_call_says_until_when_for_how_long_and_why()
    {
        var retryAt = new DateTimeOffset(2026, 1, 1, 0, 10, 0, TimeSpan.Zero);
        var cause = new TokenEndpointException(new TokenEndpointError { StatusCode = HttpStatusCode.TooManyRequests, Error = "temporarily_unavailable" });

        var withCause = new TokenRequestThrottledException(retryAt, TimeSpan.FromSeconds(1.5), cause);
        var withoutCause = new TokenRequestThrottledException(retryAt, TimeSpan.FromSeconds(60), null);

        Assert.Equal(
            "Token requests for this client and scope are throttled until 2026-01-01 00:10:00Z (retry in 2 s) because the token endpoint asked the client to back off (temporarily_unavailable, HTTP 429). No request was sent.",
            withCause.Message);
        Assert.Equal(
            "Token requests for this client and scope are throttled until 2026-01-01 00:10:00Z (retry in 60 s) because the token endpoint asked the client to back off.",
            withoutCause.Message);
        Assert.Same(cause, withCause.InnerException);
        Assert.Equal(retryAt, withCause.RetryAt);
        Assert.Equal(TimeSpan.FromSeconds(1.5), withCause.RetryAfter);
        Assert.True(withCause.IsTransient);
    }

    [Fact]
    public void A_shared_request_timeout_names_the_option_and_is_transient()
    {
        var inner = new OperationCanceledException();
        var error = new TokenRequestTimeoutException(TimeSpan.FromMilliseconds(1500), inner);

        Assert.Equal(
            "The token request did not complete within 1.5 s (TokenCacheOptions.SharedRequestTimeout); it was cancelled. Check that the token endpoint is reachable, or raise the timeout.",
            error.Message);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), error.Timeout);
        Assert.Same(inner, error.InnerException);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public void An_unreachable_endpoint_is_always_transient_and_keeps_what_was_sent()
    {
        var endpoint = new Uri("http://127.0.0.1:9/tenant/oauth2/v2.0/token");
        var inner = new HttpRequestException("refused");

        var error = new TokenEndpointUnreachableException(endpoint, "correlation-4", timedOut: true, "unreachable", inner);

        Assert.True(error.IsTransient);
        Assert.True(error.TimedOut);
        Assert.Equal(endpoint, error.TokenEndpoint);
        Assert.Equal("correlation-4", error.CorrelationId);
        Assert.Equal("unreachable", error.Message);
        Assert.Same(inner, error.InnerException);
        Assert.Null(error.RetryAfter);
    }
}
