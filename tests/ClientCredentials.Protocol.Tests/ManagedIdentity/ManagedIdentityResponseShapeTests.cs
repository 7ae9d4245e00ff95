using System.Net;
using System.Text;

namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>
/// What the managed identity response reader makes of each answer shape the endpoints send: the token's lifetime from
/// <c>expires_on</c> or <c>expires_in</c>, its other fields, and every error field of the AAD, IMDS, App Service and
/// nested (Cloud Shell, Service Fabric) error shapes.
/// </summary>
public sealed class ManagedIdentityResponseShapeTests
{
    private static readonly DateTimeOffset RequestedAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly long RequestedAtEpoch = RequestedAt.ToUnixTimeSeconds();
    private const long TenYears = 3650L * 24 * 3600;
    private static readonly string[] Scopes = ["https://management.azure.com/.default"];

    private static AccessToken Read(string json, HttpStatusCode status = HttpStatusCode.OK, ManagedIdentitySource source = ManagedIdentitySource.Imds) =>
        Read(Encoding.UTF8.GetBytes(json), status, source);

    private static AccessToken Read(byte[] body, HttpStatusCode status, ManagedIdentitySource source, Action<HttpResponseMessage>? headers = null)
    {
        using var response = new HttpResponseMessage(status);
        headers?.Invoke(response);
        return ManagedIdentityResponseReader.Read(status, response.Headers, body, new ManagedIdentityResponseContext(source, Scopes, "context-correlation", RequestedAt));
    }

    private static TokenEndpointException Refused(string json, HttpStatusCode status = HttpStatusCode.OK, ManagedIdentitySource source = ManagedIdentitySource.Imds, Action<HttpResponseMessage>? headers = null) =>
        Assert.Throws<TokenEndpointException>(() => Read(Encoding.UTF8.GetBytes(json), status, source, headers));

    private static string WithExpiresIn(long seconds) => $$"""{"access_token":"tok","expires_in":{{seconds}}}""";

    private static string WithExpiresOn(string value) => $$"""{"access_token":"tok","expires_on":{{value}}}""";

    [Fact]
    public void A_success_gives_the_token_its_scopes_correlation_id_and_source()
    {
        var token = Read($$"""{"access_token":"tok","expires_on":{{RequestedAtEpoch + 3600}},"token_type":"PoP"}""");

        Assert.Equal("tok", token.Token);
        Assert.Equal("PoP", token.TokenType);
        Assert.Equal(RequestedAt.AddHours(1), token.ExpiresOn);
        Assert.Null(token.RefreshOn);
        Assert.Null(token.ExtendedExpiresOn);
        Assert.Equal(Scopes, token.Scopes);
        Assert.Equal("context-correlation", token.CorrelationId);
        Assert.Equal(TokenSource.IdentityProvider, token.Source);
    }

    [Theory]
    [InlineData(""",""")]
    [InlineData(""","token_type":"",""")]
    [InlineData(""","token_type":"  ",""")]
    [InlineData(""","token_type":7,""")]
    public void A_missing_or_empty_token_type_is_Bearer(string tokenType)
    {
        var token = Read($$"""{"access_token":"tok"{{tokenType}}"expires_in":60}""");
        Assert.Equal("Bearer", token.TokenType);
    }

    [Fact]
    public void Members_the_reader_does_not_interpret_are_kept_as_raw_JSON()
    {
        var token = Read("""{"access_token":"tok","expires_in":"60","expires_on":"1767229260","refresh_in":30,"refresh_token":"","token_type":"Bearer","resource":"https://management.azure.com/","client_id":"c","n":[1, 2]}""");

        Assert.Equal(
            new Dictionary<string, string> { ["resource"] = "\"https://management.azure.com/\"", ["client_id"] = "\"c\"", ["n"] = "[1, 2]" },
            token.AdditionalFields);
    }

    [Fact]
    public void A_success_with_only_interpreted_members_shares_the_empty_field_set()
    {
        var token = Read(WithExpiresIn(60));
        Assert.Same(AccessToken.NoAdditionalFields, token.AdditionalFields);
    }

    [Theory]
    [InlineData("1767225660")]
    [InlineData("\"1767225660\"")]
    [InlineData("\" 1767225660 \"")]
    [InlineData("1767225660.9")]
    [InlineData("\"01/01/2026 00:01:00 +00:00\"")]
    [InlineData("\"2026-01-01T01:01:00+01:00\"")]
    [InlineData("\" 2026-01-01T00:01:00Z \"")]
    public void Expires_on_is_epoch_seconds_as_number_or_string_or_a_date(string expiresOn)
    {
        var token = Read(WithExpiresOn(expiresOn));
        Assert.Equal(RequestedAt.AddMinutes(1), token.ExpiresOn);
        Assert.Equal(TimeSpan.Zero, token.ExpiresOn.Offset);
    }

    [Fact]
    public void Expires_on_wins_over_expires_in()
    {
        var token = Read($$"""{"access_token":"tok","expires_in":7200,"expires_on":{{RequestedAtEpoch + 60}}}""");
        Assert.Equal(RequestedAt.AddMinutes(1), token.ExpiresOn);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("{}")]
    public void An_expires_on_that_is_neither_number_nor_string_gives_way_to_expires_in(string expiresOn)
    {
        var token = Read($$"""{"access_token":"tok","expires_on":{{expiresOn}},"expires_in":120}""");
        Assert.Equal(RequestedAt.AddMinutes(2), token.ExpiresOn);
    }

    [Theory]
    [InlineData("\"soon\"", "(\"soon\")")]
    [InlineData("\"\"", "(\"\")")]
    public void An_expires_on_that_is_no_time_is_refused_quoting_it(string expiresOn, string quoted)
    {
        var error = Refused($$"""{"access_token":"tok","expires_on":{{expiresOn}},"expires_in":120}""");
        Assert.Equal(TokenResponseReader.InvalidResponse, error.Error);
        Assert.Equal($"The response's expires_on {quoted} is neither epoch seconds nor a date.", error.ErrorDescription);
    }

    [Theory]
    [InlineData("3600", 3600)]
    [InlineData("\"3600\"", 3600)]
    [InlineData("3600.9", 3600)]
    [InlineData("1", 1)]
    public void Expires_in_counts_from_the_request(string expiresIn, int seconds)
    {
        var token = Read($$"""{"access_token":"tok","expires_in":{{expiresIn}}}""");
        Assert.Equal(RequestedAt.AddSeconds(seconds), token.ExpiresOn);
    }

    [Fact]
    public void A_lifetime_of_exactly_ten_years_is_accepted_either_way()
    {
        Assert.Equal(RequestedAt.AddSeconds(TenYears), Read(WithExpiresIn(TenYears)).ExpiresOn);
        Assert.Equal(RequestedAt.AddSeconds(TenYears), Read(WithExpiresOn((RequestedAtEpoch + TenYears).ToString(System.Globalization.CultureInfo.InvariantCulture))).ExpiresOn);
    }

    [Fact]
    public void An_expires_in_over_ten_years_is_refused_naming_it()
    {
        var error = Refused(WithExpiresIn(TenYears + 1));
        Assert.Equal($"The response claims a lifetime over 10 years ({TenYears + 1} s); refusing to cache such a token.", error.ErrorDescription);
    }

    [Theory]
    [InlineData(TenYears + 1)]
    [InlineData(9_999_999_999_999)]
    public void An_expires_on_over_ten_years_away_is_refused(long fromNow)
    {
        var error = Refused(WithExpiresOn((RequestedAtEpoch + fromNow).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(TokenResponseReader.InvalidResponse, error.Error);
        Assert.Equal("The response claims a lifetime over 10 years; refusing to cache such a token.", error.ErrorDescription);
    }

    [Fact]
    public void An_expires_in_of_zero_is_refused_as_no_positive_lifetime()
    {
        Assert.Equal("The response gives a lifetime of 0 s; a token must live a positive time.", Refused(WithExpiresIn(0)).ErrorDescription);
    }

    [Theory]
    [InlineData("-9.223372036854775808e18")]
    [InlineData("9.223372036854775808e18")]
    public void A_lifetime_at_the_edge_of_a_long_is_no_lifetime(string expiresIn)
    {
        var error = Refused($$"""{"access_token":"tok","expires_in":{{expiresIn}}}""");
        Assert.Equal("The response has neither expires_on nor expires_in, so the token's lifetime is unknown.", error.ErrorDescription);
    }

    [Fact]
    public void A_status_of_300_is_no_success()
    {
        var error = Refused(WithExpiresIn(60), (HttpStatusCode)300);
        Assert.Equal("managed_identity_error", error.Error);
    }

    [Fact]
    public void An_error_body_that_starts_with_access_token_is_not_excerpted()
    {
        var error = Refused("access_token=abc", HttpStatusCode.InternalServerError);
        Assert.Null(error.ResponseSnippet);
    }

    [Fact]
    public void Members_win_over_the_ids_in_the_description_and_a_managed_identity_remedy_over_AADs()
    {
        var error = Refused(
            """{"error":"invalid_request","error_description":"Identity not found. Trace ID: t-9 Correlation ID: c-9 Timestamp: 2026-01-01 00:00:09Z","trace_id":"t-1","timestamp":"2026-01-01 00:00:01Z","error_codes":[500011]}""",
            HttpStatusCode.BadRequest);

        Assert.Equal("t-1", error.TraceId);
        Assert.Equal("2026-01-01 00:00:01Z", error.Timestamp);
        Assert.StartsWith("no managed identity matching the request is assigned to this resource", error.Remedy);
    }

    [Fact]
    public void An_expires_in_that_is_not_positive_is_refused_naming_it()
    {
        var error = Refused(WithExpiresIn(-3));
        Assert.Equal("The response gives a lifetime of -3 s; a token must live a positive time.", error.ErrorDescription);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-9_999_999_999_999)]
    public void An_expires_on_not_after_the_request_is_refused_asking_to_check_the_clock(long fromNow)
    {
        var expiresOn = Math.Max(0, RequestedAtEpoch + fromNow);
        var error = Refused(WithExpiresOn((RequestedAtEpoch + fromNow).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(
            $"The token expired at {DateTimeOffset.FromUnixTimeSeconds(expiresOn):u}, before it was requested ({RequestedAt:u}); check the machine clock.",
            error.ErrorDescription);
    }

    [Fact]
    public void An_expires_on_one_second_after_the_request_is_accepted()
    {
        Assert.Equal(RequestedAt.AddSeconds(1), Read(WithExpiresOn((RequestedAtEpoch + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))).ExpiresOn);
    }

    [Theory]
    [InlineData("""{"access_token":"tok"}""")]
    [InlineData("""{"access_token":"tok","expires_in":"soon"}""")]
    [InlineData("""{"access_token":"tok","expires_in":1e300}""")]
    public void A_token_without_a_readable_lifetime_is_refused(string json)
    {
        var error = Refused(json);
        Assert.Equal("The response has neither expires_on nor expires_in, so the token's lifetime is unknown.", error.ErrorDescription);
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Equal("context-correlation", error.CorrelationId);
    }

    [Theory]
    [InlineData("""{"expires_in":60}""", "The response has no access_token.")]
    [InlineData("""{"access_token":7,"expires_in":60}""", "The response's access_token is not a string of valid text.")]
    [InlineData("""{"access_token":"","expires_in":60}""", "The response's access_token is not a string of valid text.")]
    [InlineData("""{"access_token":" ","expires_in":60}""", "The response's access_token is not a string of valid text.")]
    [InlineData("""{"access_token":"\ud800","expires_in":60}""", "The response's access_token is not a string of valid text.")]
    public void A_success_without_a_usable_access_token_is_refused(string json, string description)
    {
        var error = Refused(json);
        Assert.Equal(TokenResponseReader.InvalidResponse, error.Error);
        Assert.Equal(description, error.ErrorDescription);
    }

    [Theory]
    [InlineData(30, 30)]
    [InlineData("\"30\"", 30)]
    public void Refresh_in_sets_the_refresh_time_from_the_request(object refreshIn, int seconds)
    {
        var token = Read($$"""{"access_token":"tok","expires_in":3600,"refresh_in":{{refreshIn}}}""");
        Assert.Equal(RequestedAt.AddSeconds(seconds), token.RefreshOn);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-30)]
    [InlineData(3600)]
    [InlineData(3601)]
    [InlineData(TenYears + 1)]
    public void A_refresh_in_not_inside_the_lifetime_is_ignored(long refreshIn)
    {
        var token = Read($$"""{"access_token":"tok","expires_in":3600,"refresh_in":{{refreshIn}}}""");
        Assert.Null(token.RefreshOn);
    }

    [Fact]
    public void A_refresh_in_too_large_for_a_date_is_cut_to_ten_years_instead_of_failing()
    {
        var token = Read($$"""{"access_token":"tok","expires_in":3600,"refresh_in":9000000000000000000}""");
        Assert.Null(token.RefreshOn);
    }

    [Fact]
    public void An_AAD_error_keeps_every_field()
    {
        var error = Refused(
            """{"error":"invalid_resource","error_description":"AADSTS500011: The resource principal was not found.","error_codes":[500011],"trace_id":"t-1","correlation_id":"c-1","timestamp":"2026-01-01 00:00:00Z","error_uri":"https://login.microsoftonline.com/error?code=500011"}""",
            HttpStatusCode.BadRequest,
            ManagedIdentitySource.AppService);

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("invalid_resource", error.Error);
        Assert.Equal("AADSTS500011: The resource principal was not found.", error.ErrorDescription);
        Assert.Equal([500011], error.ErrorCodes);
        Assert.Equal("t-1", error.TraceId);
        Assert.Equal("c-1", error.CorrelationId);
        Assert.Equal("2026-01-01 00:00:00Z", error.Timestamp);
        Assert.Equal("https://login.microsoftonline.com/error?code=500011", error.ErrorUri);
        Assert.StartsWith("the resource was not found in the tenant", error.Remedy);
        Assert.Contains("The managed identity endpoint (App Service)", error.Message);
        Assert.Null(error.ResponseSnippet);
    }

    [Fact]
    public void Ids_missing_from_the_members_are_read_from_the_description()
    {
        var error = Refused(
            """{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: t-2\r\nCorrelation ID: c-2\r\nTimestamp: 2026-01-01 00:00:02Z"}""",
            HttpStatusCode.Unauthorized);

        Assert.Equal("t-2", error.TraceId);
        Assert.Equal("c-2", error.CorrelationId);
        Assert.Equal("2026-01-01 00:00:02Z", error.Timestamp);
        Assert.Empty(error.ErrorCodes);
        Assert.StartsWith("the client secret is wrong", error.Remedy);
    }

    [Fact]
    public void Without_a_correlation_id_in_the_answer_the_error_keeps_the_requests()
    {
        var error = Refused("""{"error":"invalid_request","error_description":"Bad request."}""", HttpStatusCode.BadRequest, ManagedIdentitySource.AzureArc);
        Assert.Equal("context-correlation", error.CorrelationId);
        Assert.Null(error.TraceId);
        Assert.Null(error.Timestamp);
        Assert.Null(error.ErrorUri);
        Assert.Null(error.Remedy);
    }

    [Theory]
    [InlineData("\"[500011]\"", new[] { 500011 })]
    [InlineData("\"[500011, 7000215]\"", new[] { 500011, 7000215 })]
    [InlineData("\" 500011 \"", new[] { 500011 })]
    [InlineData("\"[x, -5, +7, 12]\"", new[] { 12 })]
    [InlineData("\"\"", new int[0])]
    [InlineData("\"\\ud800\"", new int[0])]
    [InlineData("[500011, \"7000215\", 1.5, 9999999999, 90002]", new[] { 500011, 90002 })]
    [InlineData("500011", new int[0])]
    public void Error_codes_come_as_an_array_of_numbers_or_as_a_string(string codes, int[] expected)
    {
        var error = Refused($$"""{"error":"invalid_request","error_codes":{{codes}}}""", HttpStatusCode.BadRequest);
        Assert.Equal(expected, error.ErrorCodes);
    }

    [Fact]
    public void Error_codes_as_a_string_choose_the_remedy()
    {
        var error = Refused("""{"error":"unauthorized_client","error_codes":"[700016]"}""", HttpStatusCode.BadRequest, ManagedIdentitySource.AppService);
        Assert.StartsWith("no application with this client id exists", error.Remedy);
    }

    [Theory]
    [InlineData("correlationId")]
    [InlineData("correlation_id")]
    public void The_nested_error_shape_gives_code_message_and_correlation_id(string correlationName)
    {
        var error = Refused(
            $$"""{"error":{"code":"SecretHeaderNotFound","message":"Secret is not found in the request headers.","{{correlationName}}":"c-3"},"correlation_id":"outer"}""",
            HttpStatusCode.BadRequest,
            ManagedIdentitySource.ServiceFabric);

        Assert.Equal("SecretHeaderNotFound", error.Error);
        Assert.Equal("Secret is not found in the request headers.", error.ErrorDescription);
        Assert.Equal("c-3", error.CorrelationId);
        Assert.Contains("The managed identity endpoint (Service Fabric)", error.Message);
    }

    [Fact]
    public void A_nested_error_prefers_correlationId_and_needs_no_code()
    {
        var error = Refused("""{"error":{"correlationId":"c-4","correlation_id":"c-5"}}""", HttpStatusCode.InternalServerError, ManagedIdentitySource.CloudShell);
        Assert.Equal("managed_identity_error", error.Error);
        Assert.Null(error.ErrorDescription);
        Assert.Equal("c-4", error.CorrelationId);
        Assert.Contains("The managed identity endpoint (Cloud Shell)", error.Message);
    }

    [Fact]
    public void The_App_Service_shape_gives_message_and_correlation_id()
    {
        var error = Refused("""{"statusCode":500,"message":"An unexpected error occured while fetching the AAD Token.","correlationId":"c-6"}""", HttpStatusCode.InternalServerError, ManagedIdentitySource.AppService);

        Assert.Equal("managed_identity_error", error.Error);
        Assert.Equal("An unexpected error occured while fetching the AAD Token.", error.ErrorDescription);
        Assert.Equal("c-6", error.CorrelationId);
    }

    [Fact]
    public void A_top_level_correlation_id_prefers_the_OAuth_spelling_and_a_description_prefers_error_description()
    {
        var error = Refused("""{"error":" ","error_description":"d","message":"m","correlation_id":"c-7","correlationId":"c-8"}""", HttpStatusCode.BadRequest);
        Assert.Equal("managed_identity_error", error.Error);
        Assert.Equal("d", error.ErrorDescription);
        Assert.Equal("c-7", error.CorrelationId);
    }

    [Theory]
    [InlineData("""{"access_token":"tok","expires_in":60,"error":""}""")]
    [InlineData("""{"access_token":"tok","expires_in":60,"error":7}""")]
    [InlineData("""{"access_token":"tok","expires_in":60,"error":null}""")]
    public void A_success_whose_error_member_is_empty_or_not_text_is_a_token(string json)
    {
        Assert.Equal("tok", Read(json).Token);
    }

    [Theory]
    [InlineData("""{"access_token":"tok","expires_in":60,"error":"server_error"}""", "server_error")]
    [InlineData("""{"access_token":"tok","expires_in":60,"error":{"code":"Busy"}}""", "Busy")]
    public void A_success_that_carries_an_error_is_an_error(string json, string code)
    {
        var error = Refused(json);
        Assert.Equal(code, error.Error);
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
    }

    [Fact]
    public void An_error_status_with_a_JSON_object_is_an_error_even_without_an_error_member()
    {
        var error = Refused("""{"access_token":"tok","expires_in":60}""", HttpStatusCode.BadGateway);
        Assert.Equal("managed_identity_error", error.Error);
        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
    }

    [Fact]
    public void A_Retry_After_header_is_kept_on_JSON_and_non_JSON_errors()
    {
        static void RetryIn30(HttpResponseMessage response) => response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(30), Refused("""{"error":"temporarily_unavailable"}""", HttpStatusCode.ServiceUnavailable, headers: RetryIn30).RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(30), Refused("busy", HttpStatusCode.TooManyRequests, headers: RetryIn30).RetryAfter);
        Assert.Null(Refused("busy", HttpStatusCode.TooManyRequests).RetryAfter);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1]")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    public void A_success_whose_body_is_no_JSON_object_is_an_invalid_response(string body)
    {
        var error = Refused(body);
        Assert.Equal(TokenResponseReader.InvalidResponse, error.Error);
        Assert.Equal("The response body is not a JSON object.", error.ErrorDescription);
        Assert.Null(error.ResponseSnippet);
        Assert.Null(error.InnerException);
        Assert.Equal("context-correlation", error.CorrelationId);
    }

    [Fact]
    public void A_success_whose_body_is_not_JSON_is_refused_with_its_size_and_the_parser_error()
    {
        var error = Refused("""{"access_token":""");
        Assert.StartsWith("The 16-byte response body is not valid JSON (", error.ErrorDescription);
        Assert.IsType<System.Text.Json.JsonException>(error.InnerException, exactMatch: false);
        Assert.Null(error.ResponseSnippet);
    }

    [Fact]
    public void A_success_whose_body_is_not_UTF8_says_so()
    {
        // RFC 8259 §8.1: a JSON body is UTF-8; the byte 0xFF never occurs in UTF-8.
        byte[] body = [.. Encoding.UTF8.GetBytes("""{"access_token":"x","expires_in":60}"""), 0xFF];

        var error = Assert.Throws<TokenEndpointException>(() => Read(body, HttpStatusCode.OK, ManagedIdentitySource.Imds));

        Assert.Equal(TokenResponseReader.InvalidResponse, error.Error);
        Assert.Equal($"The {body.Length}-byte response body is not valid JSON (The body is not valid UTF-8.).", error.ErrorDescription);
        Assert.Null(error.ResponseSnippet);
    }

    [Fact]
    public void An_error_status_without_JSON_keeps_an_excerpt_and_the_remedy()
    {
        var error = Refused("<html>Gone</html>", HttpStatusCode.Gone);

        Assert.Equal(TokenResponseReader.InvalidResponse, error.Error);
        Assert.Equal("HTTP 410 without a JSON error body.", error.ErrorDescription);
        Assert.Equal("<html>Gone</html>", error.ResponseSnippet);
        Assert.StartsWith("IMDS is being updated", error.Remedy);
        Assert.Contains("The managed identity endpoint (IMDS)", error.Message);
    }

    [Fact]
    public void An_error_status_whose_body_mentions_an_access_token_keeps_no_excerpt()
    {
        var error = Refused("""["access_token","abc"]""", HttpStatusCode.InternalServerError);
        Assert.Equal("HTTP 500 without a JSON error body.", error.ErrorDescription);
        Assert.Null(error.ResponseSnippet);
    }

    [Theory]
    [InlineData(ManagedIdentitySource.Imds, 400, "invalid_request", "x", "no managed identity matching the request is assigned to this resource")]
    [InlineData(ManagedIdentitySource.Imds, 400, "other", "Identity not found", "no managed identity matching the request is assigned to this resource")]
    [InlineData(ManagedIdentitySource.Imds, 400, "bad_request_102", "x", "IMDS requires the header 'Metadata: true'")]
    [InlineData(ManagedIdentitySource.Imds, 404, "x", "x", "IMDS is being updated")]
    [InlineData(ManagedIdentitySource.Imds, 410, "x", "x", "IMDS is being updated")]
    [InlineData(ManagedIdentitySource.Imds, 403, "x", "x", "IMDS refused the request")]
    [InlineData(ManagedIdentitySource.AppService, 400, "x", "The identity has NOT BEEN ASSIGNED", "no managed identity matching the request is assigned to this app")]
    [InlineData(ManagedIdentitySource.ServiceFabric, 404, "x", "identity not found", "no managed identity matching the request is assigned to this app")]
    [InlineData(ManagedIdentitySource.AppService, 401, "x", "x", "the App Service token endpoint refused X-IDENTITY-HEADER")]
    [InlineData(ManagedIdentitySource.AppService, 403, "x", "x", "the App Service token endpoint refused X-IDENTITY-HEADER")]
    [InlineData(ManagedIdentitySource.AzureArc, 401, "x", "x", "the Azure Arc agent refused the key")]
    [InlineData(ManagedIdentitySource.AzureArc, 403, "x", "x", "the Azure Arc agent refused the key")]
    public void Frequent_managed_identity_failures_name_their_remedy(ManagedIdentitySource source, int status, string code, string description, string remedy)
    {
        var error = Refused($$"""{"error":"{{code}}","error_description":"{{description}}"}""", (HttpStatusCode)status, source);
        Assert.StartsWith(remedy, error.Remedy);
    }

    [Theory]
    [InlineData(ManagedIdentitySource.Imds, 400, "other")]
    [InlineData(ManagedIdentitySource.Imds, 401, "invalid_request")]
    [InlineData(ManagedIdentitySource.AppService, 400, "invalid_request")]
    [InlineData(ManagedIdentitySource.AppService, 404, "bad_request_102")]
    [InlineData(ManagedIdentitySource.AzureArc, 404, "x")]
    [InlineData(ManagedIdentitySource.ServiceFabric, 401, "x")]
    [InlineData(ManagedIdentitySource.CloudShell, 403, "x")]
    [InlineData(ManagedIdentitySource.AzureArc, 500, "x")]
    public void Other_failures_have_no_managed_identity_remedy(ManagedIdentitySource source, int status, string code)
    {
        var error = Refused($$"""{"error":"{{code}}","error_description":"nothing known"}""", (HttpStatusCode)status, source);
        Assert.Null(error.Remedy);
    }
}
