using System.Net;
using System.Text;

namespace ClientCredentials.Protocol.Tests.Protocol;

public class TokenResponseReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static AccessToken Read(string body, HttpStatusCode status = HttpStatusCode.OK, AuthorityKind kind = AuthorityKind.Entra, TimeSpan? defaultLifetime = null, Action<HttpResponseMessage>? headers = null)
    {
        using var response = new HttpResponseMessage(status);
        headers?.Invoke(response);
        return TokenResponseReader.Read(status, response.Headers, Encoding.UTF8.GetBytes(body), new TokenResponseContext(["https://graph.microsoft.com/.default"], "corr-1", Now, kind, defaultLifetime));
    }

    private static TokenEndpointException Fail(string body, HttpStatusCode status = HttpStatusCode.BadRequest, AuthorityKind kind = AuthorityKind.Entra, Action<HttpResponseMessage>? headers = null) =>
        Assert.Throws<TokenEndpointException>(() => Read(body, status, kind, null, headers));

    [Fact]
    public void V2_success_gives_token_expiry_and_extended_expiry()
    {
        var token = Read("""{"token_type":"Bearer","expires_in":3599,"ext_expires_in":7199,"access_token":"eyJ0.x.y"}""");
        Assert.Equal("eyJ0.x.y", token.Token);
        Assert.Equal("Bearer", token.TokenType);
        Assert.Equal(Now.AddSeconds(3599), token.ExpiresOn);
        Assert.Equal(Now.AddSeconds(7199), token.ExtendedExpiresOn);
        Assert.Null(token.RefreshOn);
        Assert.Equal("corr-1", token.CorrelationId);
        Assert.Equal(TokenSource.IdentityProvider, token.Source);
        Assert.Equal(["https://graph.microsoft.com/.default"], token.Scopes);
    }

    [Fact]
    public void Numbers_may_arrive_as_strings_and_refresh_in_sets_refresh_on()
    {
        var token = Read("""{"token_type":"Bearer","expires_in":"86399","ext_expires_in":"86399","refresh_in":"43199","access_token":"t","foo":{"bar":1}}""");
        Assert.Equal(Now.AddSeconds(86399), token.ExpiresOn);
        Assert.Equal(Now.AddSeconds(43199), token.RefreshOn);
    }

    [Fact]
    public void V1_success_with_expires_on_and_resource_parses()
    {
        var expiresOn = Now.AddSeconds(3600).ToUnixTimeSeconds();
        var token = Read($$"""{"token_type":"Bearer","expires_on":"{{expiresOn}}","not_before":"{{Now.ToUnixTimeSeconds()}}","resource":"https://vault.azure.net","access_token":"t"}""");
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(expiresOn), token.ExpiresOn);
    }

    [Theory]
    [InlineData("""{"access_token":"t","token_type":"Bearer"}""", "no expires_in")]
    [InlineData("""{"access_token":"t","token_type":"Bearer","expires_in":-5}""", "negative")]
    [InlineData("""{"access_token":"t","token_type":"Bearer","expires_in":400000000}""", "10 years")]
    [InlineData("""{"token_type":"Bearer","expires_in":3599}""", "no access_token")]
    [InlineData("""{"token_type":"Bearer","expires_in":"soon","access_token":"t"}""", "not valid JSON")]
    [InlineData("""{"token_type":"Bearer","expires_in":3599,"access_tok""", "not valid JSON")]
    [InlineData("", "empty")]
    public void Unusable_success_bodies_are_invalid_response_errors(string body, string reason)
    {
        var error = Fail(body, HttpStatusCode.OK);
        Assert.Equal("invalid_response", error.Error);
        Assert.Contains(reason, error.ErrorDescription);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public void Generic_servers_without_expires_in_get_the_configured_default()
    {
        var token = Read("""{"access_token":"t","token_type":"bearer"}""", kind: AuthorityKind.Generic, defaultLifetime: TimeSpan.FromMinutes(30));
        Assert.Equal(Now.AddMinutes(30), token.ExpiresOn);
        Assert.Equal("bearer", token.TokenType);
    }

    [Fact]
    public void A_200_carrying_error_is_an_error()
    {
        var error = Fail("""{"error":"temporarily_unavailable","error_description":"busy"}""", HttpStatusCode.OK);
        Assert.Equal("temporarily_unavailable", error.Error);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public void Aad_error_fields_are_all_parsed_from_the_crlf_layout()
    {
        const string body = """
            {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '1234'.\r\nTrace ID: 0c4a8c2e-1f55-4a79-8a4c-c1a5b2f73f00\r\nCorrelation ID: 6f7b2b1c-9a34-4f7d-8e8c-3f1d4a1c2b3a\r\nTimestamp: 2023-05-04 10:11:12Z","error_codes":[7000215],"timestamp":"2023-05-04 10:11:12Z","trace_id":"0c4a8c2e-1f55-4a79-8a4c-c1a5b2f73f00","correlation_id":"6f7b2b1c-9a34-4f7d-8e8c-3f1d4a1c2b3a","error_uri":"https://login.microsoftonline.com/error?code=7000215","suberror":"bad_token","claims":"{\"access_token\":{\"nbf\":{\"essential\":true}}}"}
            """;
        var error = Fail(body, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("invalid_client", error.Error);
        Assert.Equal([7000215], error.ErrorCodes);
        Assert.Equal("0c4a8c2e-1f55-4a79-8a4c-c1a5b2f73f00", error.TraceId);
        Assert.Equal("6f7b2b1c-9a34-4f7d-8e8c-3f1d4a1c2b3a", error.CorrelationId);
        Assert.Equal("2023-05-04 10:11:12Z", error.Timestamp);
        Assert.Equal("https://login.microsoftonline.com/error?code=7000215", error.ErrorUri);
        Assert.Equal("bad_token", error.SubError);
        Assert.Contains("essential", error.Claims);
        Assert.Contains("Value (not its Secret ID)", error.Remedy);
        Assert.False(error.IsTransient);
        Assert.Contains("AADSTS7000215", error.Message);
        Assert.Contains("Fix:", error.Message);
        Assert.DoesNotContain("\r", error.Message);
    }

    [Fact]
    public void Trace_lines_in_the_space_separated_layout_parse_when_fields_are_absent()
    {
        var error = Fail("""{"error":"invalid_request","error_description":"AADSTS90002: Tenant 'nope' not found. Check to make sure you have the correct tenant ID. Trace ID: aaaa-1 Correlation ID: bbbb-2 Timestamp: 2025-01-02 03:04:05Z"}""");
        Assert.Empty(error.ErrorCodes);
        Assert.Equal("aaaa-1", error.TraceId);
        Assert.Equal("bbbb-2", error.CorrelationId);
        Assert.Equal("2025-01-02 03:04:05Z", error.Timestamp);
        Assert.Contains("tenant", error.Remedy);
        Assert.StartsWith("The token endpoint answered HTTP 400 invalid_request: AADSTS90002: Tenant 'nope' not found.", error.Message);
    }

    [Fact]
    public void Empty_trace_fields_and_empty_trace_lines_are_absent_never_the_next_label()
    {
        var error = Fail("""{"error":"invalid_resource","error_description":"AADSTS500011: The resource principal was not found.\r\nTrace ID: \r\nCorrelation ID: \r\nTimestamp: 2021-06-01 09:55:53Z","error_codes":[500011],"trace_id":"","correlation_id":"","timestamp":""}""");
        Assert.Null(error.TraceId);
        Assert.Equal("corr-1", error.CorrelationId);
        Assert.Equal("2021-06-01 09:55:53Z", error.Timestamp);

        var spaced = Fail("""{"error":"invalid_request","error_description":"AADSTS90002: Tenant 'nope' not found. Trace ID:  Correlation ID: bbbb-2 Timestamp: 2025-01-02 03:04:05Z"}""");
        Assert.Null(spaced.TraceId);
        Assert.Equal("bbbb-2", spaced.CorrelationId);
    }

    [Fact]
    public void Ext_expires_in_zero_is_a_value_not_absence()
    {
        var token = Read("""{"token_type":"Bearer","expires_in":"3599","ext_expires_in":"0","access_token":"t"}""");
        Assert.Equal(Now, token.ExtendedExpiresOn);
    }

    [Theory]
    [InlineData(7000215)]
    [InlineData(7000222)]
    [InlineData(700016)]
    [InlineData(70011)]
    [InlineData(500011)]
    [InlineData(90002)]
    [InlineData(700027)]
    [InlineData(700024)]
    [InlineData(7000218)]
    [InlineData(90010)]
    [InlineData(50049)]
    [InlineData(50196)]
    [InlineData(1002012)]
    [InlineData(65001)]
    [InlineData(700213)]
    [InlineData(7000214)]
    [InlineData(700212)]
    [InlineData(700023)]
    [InlineData(700021)]
    [InlineData(7000112)]
    [InlineData(53003)]
    [InlineData(900023)]
    public void Known_aadsts_codes_carry_a_remedy(int code)
    {
        var error = Fail($$"""{"error":"invalid_request","error_codes":[{{code}}]}""");
        Assert.False(string.IsNullOrWhiteSpace(error.Remedy));
    }

    [Fact]
    public void Html_from_a_proxy_becomes_invalid_response_with_a_short_sanitized_snippet()
    {
        var html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\n<body>" + new string('x', 2000) + "</body></html>";
        var error = Fail(html, HttpStatusCode.BadGateway);
        Assert.Equal("invalid_response", error.Error);
        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.True(error.IsTransient);
        Assert.StartsWith("<html> <head><title>502 Bad Gateway</title>", error.ResponseSnippet);
        Assert.True(error.ResponseSnippet!.Length <= 512);
        Assert.DoesNotContain("\n", error.ResponseSnippet);
    }

    [Theory]
    [InlineData("120", 120)]
    [InlineData("0", 0)]
    public void Retry_after_in_seconds_is_parsed(string header, int seconds)
    {
        var error = Fail("Too many requests", HttpStatusCode.TooManyRequests, headers: r => r.Headers.TryAddWithoutValidation("Retry-After", header));
        Assert.Equal(TimeSpan.FromSeconds(seconds), error.RetryAfter);
        Assert.True(error.IsTransient);
        Assert.Equal("Too many requests", error.ResponseSnippet);
    }

    [Fact]
    public void Retry_after_as_http_date_is_a_wait_from_the_request_time()
    {
        var error = Fail("{}", HttpStatusCode.ServiceUnavailable, headers: r => r.Headers.TryAddWithoutValidation("Retry-After", Now.AddSeconds(90).ToString("R")));
        Assert.Equal(TimeSpan.FromSeconds(90), error.RetryAfter);
    }

    [Fact]
    public void A_retry_after_date_in_the_past_is_no_wait()
    {
        var error = Fail("{}", HttpStatusCode.ServiceUnavailable, headers: r => r.Headers.TryAddWithoutValidation("Retry-After", Now.AddSeconds(-90).ToString("R")));
        Assert.Equal(TimeSpan.Zero, error.RetryAfter);
    }

    [Fact]
    public void A_negative_retry_after_delay_is_no_wait()
    {
        var error = Fail("{}", HttpStatusCode.ServiceUnavailable, headers: r => r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(-5)));
        Assert.Equal(TimeSpan.Zero, error.RetryAfter);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    public void Transience_follows_the_status(HttpStatusCode status, bool transient)
    {
        Assert.Equal(transient, Fail("""{"error":"x"}""", status).IsTransient);
    }

    [Fact]
    public void An_empty_success_body_is_reported_as_empty_without_a_json_error()
    {
        var error = Fail("", HttpStatusCode.OK);

        Assert.Equal("The response body is empty.", error.ErrorDescription);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public void A_300_is_not_a_success_even_with_a_token_in_its_body()
    {
        var error = Fail("""{"token_type":"Bearer","expires_in":3599,"access_token":"t"}""", (HttpStatusCode)300);

        Assert.Equal("HTTP 300 without an OAuth error response; the body names an access_token, so no excerpt of it is kept.", error.ErrorDescription);
    }

    [Fact]
    public void An_error_status_whose_body_starts_with_an_access_token_field_keeps_no_excerpt()
    {
        var error = Fail("access_token=abc&expires_in=3599", HttpStatusCode.BadGateway);

        Assert.Null(error.ResponseSnippet);
        Assert.Equal("HTTP 502 without an OAuth error response; the body names an access_token, so no excerpt of it is kept.", error.ErrorDescription);
    }

    [Fact]
    public void An_error_status_without_an_oauth_error_says_so_and_keeps_the_excerpt()
    {
        var error = Fail("Bad gateway", HttpStatusCode.BadGateway);

        Assert.Equal("HTTP 502 without an OAuth error response.", error.ErrorDescription);
        Assert.Equal("Bad gateway", error.ResponseSnippet);
    }

    [Fact]
    public void An_empty_error_body_is_quoted_as_an_empty_body()
    {
        Assert.Equal("(empty body)", Fail("", HttpStatusCode.ServiceUnavailable).ResponseSnippet);
    }

    [Theory]
    [InlineData("  leading", "leading")]
    [InlineData("a   b\t\tc", "a b c")]
    [InlineData("a\u0001b", "a b")]
    public void The_excerpt_collapses_white_space_and_control_characters_into_single_spaces(string body, string snippet)
    {
        Assert.Equal(snippet, Fail(body, HttpStatusCode.BadGateway).ResponseSnippet);
    }

    [Fact]
    public void The_excerpt_reads_no_further_than_the_first_2048_bytes()
    {
        var error = Fail(new string(' ', 2047) + "AB" + new string('C', 10), HttpStatusCode.BadGateway);

        Assert.Equal("A", error.ResponseSnippet);
    }

    [Fact]
    public void The_excerpt_quotes_text_found_past_the_first_128_bytes()
    {
        var error = Fail(new string(' ', 200) + "tail", HttpStatusCode.BadGateway);

        Assert.Equal("tail", error.ResponseSnippet);
    }

    [Fact]
    public void A_refresh_in_of_zero_sets_no_refresh_time()
    {
        Assert.Null(Read("""{"token_type":"Bearer","expires_in":3599,"refresh_in":0,"access_token":"t"}""").RefreshOn);
    }

    [Fact]
    public void A_refresh_in_equal_to_the_lifetime_sets_no_refresh_time()
    {
        Assert.Null(Read("""{"token_type":"Bearer","expires_in":3599,"refresh_in":3599,"access_token":"t"}""").RefreshOn);
    }

    [Fact]
    public void A_lifetime_of_exactly_10_years_is_accepted()
    {
        Assert.Equal(Now.AddDays(3650), Read("""{"token_type":"Bearer","expires_in":315360000,"access_token":"t"}""").ExpiresOn);
    }

    [Fact]
    public void A_lifetime_of_zero_and_a_negative_one_are_described_apart()
    {
        Assert.Equal("The response gives a lifetime of 0 s: the token is expired on arrival.", Fail("""{"access_token":"t","expires_in":0}""", HttpStatusCode.OK).ErrorDescription);
        Assert.Equal("The response gives a negative lifetime (-1 s).", Fail("""{"access_token":"t","expires_in":-1}""", HttpStatusCode.OK).ErrorDescription);
    }

    [Fact]
    public void Trace_fields_sent_as_members_win_over_the_trace_lines_of_the_description()
    {
        var error = Fail("""{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: line-trace\r\nCorrelation ID: line-corr\r\nTimestamp: 2020-01-01 00:00:00Z","trace_id":"member-trace","correlation_id":"member-corr","timestamp":"2026-02-02 02:02:02Z"}""");

        Assert.Equal("member-trace", error.TraceId);
        Assert.Equal("member-corr", error.CorrelationId);
        Assert.Equal("2026-02-02 02:02:02Z", error.Timestamp);
    }

    [Fact]
    public void Trace_fields_sent_as_members_are_read_without_trace_lines()
    {
        var error = Fail("""{"error":"invalid_client","error_description":"Invalid client secret provided.","trace_id":"member-trace","correlation_id":"member-corr","timestamp":"2026-02-02 02:02:02Z"}""");

        Assert.Equal("member-trace", error.TraceId);
        Assert.Equal("member-corr", error.CorrelationId);
        Assert.Equal("2026-02-02 02:02:02Z", error.Timestamp);
    }

    [Fact]
    public void A_description_that_starts_with_its_trace_lines_is_read()
    {
        var error = Fail("""{"error":"invalid_request","error_description":"Trace ID: t-1 Correlation ID: c-1"}""");
        var timestamp = Fail("""{"error":"invalid_request","error_description":"Timestamp: 2026-01-01 00:00:00Z"}""");

        Assert.Equal("t-1", error.TraceId);
        Assert.Equal("c-1", error.CorrelationId);
        Assert.Equal("2026-01-01 00:00:00Z", timestamp.Timestamp);
    }

    [Fact]
    public void A_timestamp_line_ends_at_its_line_break()
    {
        var error = Fail("""{"error":"invalid_request","error_description":"AADSTS90002: Tenant not found.\r\nTimestamp: 2026-01-01 00:00:00Z\r\nTrace ID: t-1"}""");

        Assert.Equal("2026-01-01 00:00:00Z", error.Timestamp);
        Assert.Equal("t-1", error.TraceId);
    }

    [Theory]
    [InlineData("AADSTS90002: Tenant not found.\\r\\nTimestamp:\\r\\nTrace ID: t-1")]
    [InlineData("AADSTS90002: Tenant not found. Trace ID: t-1 Timestamp: ")]
    public void An_empty_timestamp_line_is_absent(string description)
    {
        Assert.Null(Fail($$"""{"error":"invalid_request","error_description":"{{description}}"}""").Timestamp);
    }

    [Fact]
    public void A_description_that_is_only_an_aadsts_code_picks_its_remedy()
    {
        var error = Fail("""{"error":"invalid_client","error_description":"AADSTS7000215"}""");

        Assert.Contains("Value (not its Secret ID)", error.Remedy, StringComparison.Ordinal);
        Assert.Empty(error.ErrorCodes);
    }

    [Fact]
    public void Tokens_never_appear_in_to_string()
    {
        var token = Read("""{"token_type":"Bearer","expires_in":3599,"access_token":"super-secret-token-value"}""");
        Assert.DoesNotContain("super-secret-token-value", token.ToString());
        Assert.Contains(TokenFingerprint.Of("super-secret-token-value"), token.ToString());
    }
}

public class TokenResponseReaderEdgeTests
{
    private static TokenEndpointException Fail(string body) =>
        Assert.Throws<TokenEndpointException>(() =>
        {
            using var response = new HttpResponseMessage(HttpStatusCode.BadRequest);
            TokenResponseReader.Read(HttpStatusCode.BadRequest, response.Headers, Encoding.UTF8.GetBytes(body), new TokenResponseContext(["s/.default"], "sent-id", DateTimeOffset.UnixEpoch, AuthorityKind.Entra, null));
        });

    [Fact]
    public void Empty_trace_fields_and_empty_trace_lines_read_as_absent_not_as_the_next_label()
    {
        var error = Fail("""{"error":"invalid_resource","error_description":"AADSTS500011: The resource principal was not found.\r\nTrace ID: \r\nCorrelation ID: \r\nTimestamp: 2020-01-01 00:00:00Z","error_codes":[500011],"trace_id":"","correlation_id":""}""");
        Assert.Null(error.TraceId);
        Assert.Equal("sent-id", error.CorrelationId);
        Assert.Equal("2020-01-01 00:00:00Z", error.Timestamp);
    }

    [Fact]
    public void Ext_expires_in_zero_differs_from_absent()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        var context = new TokenResponseContext(["s/.default"], "id", DateTimeOffset.UnixEpoch, AuthorityKind.Entra, null);
        var zero = TokenResponseReader.Read(HttpStatusCode.OK, response.Headers, Encoding.UTF8.GetBytes("""{"access_token":"t","expires_in":60,"ext_expires_in":"0"}"""), context);
        var absent = TokenResponseReader.Read(HttpStatusCode.OK, response.Headers, Encoding.UTF8.GetBytes("""{"access_token":"t","expires_in":60}"""), context);
        Assert.Equal(DateTimeOffset.UnixEpoch, zero.ExtendedExpiresOn);
        Assert.Null(absent.ExtendedExpiresOn);
    }
}
