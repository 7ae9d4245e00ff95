using System.Net;
using System.Text;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// How strictly a token endpoint body is read (spec/protocol.md §5.2): JSON member types, integer strings, a byte order
/// mark, duplicate members, the characters a token may hold, lifetimes of zero, and trace lines that occur twice.
/// </summary>
public class TokenResponseStrictnessTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static AccessToken Read(byte[] body, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var response = new HttpResponseMessage(status);
        return TokenResponseReader.Read(status, response.Headers, body, new TokenResponseContext(["https://graph.microsoft.com/.default"], "sent-id", Now, AuthorityKind.Entra, null));
    }

    private static AccessToken Read(string body, HttpStatusCode status = HttpStatusCode.OK) => Read(Encoding.UTF8.GetBytes(body), status);

    private static TokenEndpointException Fail(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        Assert.Throws<TokenEndpointException>(() => Read(body, status));

    [Theory]
    [InlineData("\"3599\"", 3599)]
    [InlineData("\"+3599\"", 3599)]
    [InlineData("\"03599\"", 3599)]
    [InlineData("3599", 3599)]
    public void Integer_members_take_numbers_and_strings_of_an_optional_sign_and_ascii_digits(string value, int seconds)
    {
        var token = Read($$"""{"access_token":"t","expires_in":{{value}}}""");
        Assert.Equal(Now.AddSeconds(seconds), token.ExpiresOn);
    }

    [Theory]
    [InlineData("3599.5")]
    [InlineData("3599.0")]
    [InlineData("3.599e3")]
    [InlineData("\"3599.5\"")]
    [InlineData("\" 3599\"")]
    [InlineData("\"3599 \"")]
    [InlineData("\"3.599e3\"")]
    [InlineData("\"\"")]
    [InlineData("true")]
    [InlineData("99999999999999999999")]
    public void Anything_else_in_an_integer_member_is_an_invalid_response(string value)
    {
        var error = Fail($$"""{"access_token":"t","expires_in":{{value}}}""");
        Assert.Equal("invalid_response", error.Error);
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Null(error.ResponseSnippet);
    }

    [Fact]
    public void A_json_null_member_reads_as_absent()
    {
        var token = Read("""{"access_token":"t","expires_in":3599,"ext_expires_in":null,"refresh_in":null,"token_type":null}""");
        Assert.Null(token.ExtendedExpiresOn);
        Assert.Null(token.RefreshOn);
        Assert.Equal("Bearer", token.TokenType);
    }

    [Fact]
    public void A_leading_utf8_byte_order_mark_is_skipped()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"access_token":"t","expires_in":3599}""")];
        Assert.Equal("t", Read(body).Token);
    }

    [Theory]
    [InlineData("""{"access_token":"first","expires_in":3599,"access_token":"second"}""", "access_token")]
    [InlineData("""{"access_token":"t","expires_in":3599,"expires_in":60}""", "expires_in")]
    [InlineData("""{"access_token":"t","expires_in":3599,"access\u005ftoken":"u"}""", "access_token")]
    public void A_member_named_twice_makes_a_success_body_an_invalid_response(string body, string member)
    {
        var error = Fail(body);
        Assert.Equal("invalid_response", error.Error);
        Assert.Contains($"'{member}' more than once", error.ErrorDescription);
        Assert.DoesNotContain("first", error.Message);
    }

    [Fact]
    public void A_member_named_twice_makes_an_error_body_an_invalid_response_too()
    {
        var error = Fail("""{"error":"invalid_client","error":"invalid_grant"}""", HttpStatusCode.BadRequest);
        Assert.Equal("invalid_response", error.Error);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }

    [Fact]
    public void Members_of_nested_objects_may_repeat_names_of_the_top_level()
    {
        var token = Read("""{"access_token":"t","expires_in":3599,"vendor":{"access_token":"x","expires_in":1}}""");
        Assert.Equal("t", token.Token);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("a\\r\\nX-Injected: 1")]
    [InlineData("a\\u0000b")]
    [InlineData("caf\u00e9")]
    [InlineData("   ")]
    public void An_access_token_that_is_not_visible_ascii_is_an_invalid_response(string token)
    {
        var error = Fail($$"""{"access_token":"{{token}}","expires_in":3599}""");
        Assert.Equal("invalid_response", error.Error);
        Assert.Contains("access_token", error.ErrorDescription);
    }

    [Fact]
    public void Visible_ascii_outside_b64token_is_accepted_as_some_servers_issue_it()
    {
        // Salesforce-style opaque tokens carry '!'; only characters that cannot go into a header are refused.
        Assert.Equal("00D!AR8.x", Read("""{"access_token":"00D!AR8.x","token_type":"Bearer","expires_in":3599}""").Token);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("Bear er")]
    [InlineData("Bearer\\n")]
    public void A_token_type_that_is_not_visible_ascii_is_an_invalid_response(string tokenType)
    {
        var error = Fail($$"""{"access_token":"t","token_type":"{{tokenType}}","expires_in":3599}""");
        Assert.Equal("invalid_response", error.Error);
        Assert.Contains("token_type", error.ErrorDescription);
    }

    [Theory]
    [InlineData("""{"access_token":"t","expires_in":0}""")]
    [InlineData("""{"access_token":"t","expires_in":"0"}""")]
    [InlineData("""{"access_token":"t","expires_on":1767225600}""")]
    public void A_lifetime_of_zero_is_an_invalid_response(string body)
    {
        var error = Fail(body);
        Assert.Equal("invalid_response", error.Error);
        Assert.Contains("0 s", error.ErrorDescription);
        Assert.False(error.IsTransient);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("\"-3600\"")]
    public void A_negative_ext_expires_in_reads_as_absent(string value)
    {
        var token = Read($$"""{"access_token":"t","expires_in":3599,"ext_expires_in":{{value}}}""");
        Assert.Null(token.ExtendedExpiresOn);
        Assert.Equal(Now.AddSeconds(3599), token.ExpiresOn);
    }

    [Fact]
    public void A_valid_error_with_mistyped_error_codes_is_an_invalid_response_that_keeps_the_body_as_snippet()
    {
        var error = Fail("""{"error":"invalid_client","error_codes":"7000215"}""", HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_response", error.Error);
        Assert.Empty(error.ErrorCodes);
        Assert.Contains("invalid_client", error.ResponseSnippet);
    }

    [Fact]
    public void Trace_lines_are_read_at_their_last_occurrence()
    {
        const string description =
            "AADSTS50000: The upstream answered: 'AADSTS90002: Tenant not found. Trace ID: inner-trace Correlation ID: inner-corr Timestamp: 2020-01-01 00:00:00Z'\r\n" +
            "Trace ID: outer-trace\r\nCorrelation ID: outer-corr\r\nTimestamp: 2026-01-01 00:00:00Z";
        var error = Fail($$"""{"error":"invalid_request","error_description":"{{description.Replace("\r\n", "\\r\\n", StringComparison.Ordinal)}}"}""", HttpStatusCode.BadRequest);
        Assert.Equal("outer-trace", error.TraceId);
        Assert.Equal("outer-corr", error.CorrelationId);
        Assert.Equal("2026-01-01 00:00:00Z", error.Timestamp);
        Assert.Contains("Trace ID: inner-trace", error.Message);
    }

    [Theory]
    [InlineData("""{"error":""}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"error":null}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"error":5}""", HttpStatusCode.BadRequest)]
    public void An_error_body_without_a_non_empty_string_error_is_an_invalid_response(string body, HttpStatusCode status)
    {
        Assert.Equal("invalid_response", Fail(body, status).Error);
    }

    [Fact]
    public void A_2xx_with_an_empty_error_and_a_token_is_a_success()
    {
        Assert.Equal("t", Read("""{"error":"","access_token":"t","expires_in":3599}""").Token);
    }

    [Theory]
    [InlineData("""{"access_token":"t","expires_in":3599} x""")]
    [InlineData("""{"access_token":"t","expires_in":3599}{}""")]
    [InlineData("""[1] 2""")]
    public void Anything_but_white_space_after_the_top_level_value_makes_the_body_invalid_json(string body)
    {
        var error = Fail(body);

        Assert.Equal("invalid_response", error.Error);
        Assert.Contains("is not valid JSON", error.ErrorDescription, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("42 ")]
    public void A_json_value_other_than_an_object_is_an_invalid_response(string body)
    {
        var error = Fail(body);

        Assert.Equal("invalid_response", error.Error);
        Assert.Equal("The response body is not a JSON object.", error.ErrorDescription);
    }

    [Fact]
    public void A_body_of_white_space_only_holds_no_json_value()
    {
        var error = Fail("  ");

        Assert.StartsWith("The 2-byte response body is not valid JSON (", error.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_type_named_twice_makes_the_body_an_invalid_response()
    {
        var error = Fail("""{"token_type":"Bearer","access_token":"t","expires_in":3599,"token_type":"pop"}""");

        Assert.Equal("The response body names the member 'token_type' more than once.", error.ErrorDescription);
    }

    [Fact]
    public void Of_several_members_named_twice_the_first_repeated_is_reported()
    {
        var error = Fail("""{"access_token":"a","expires_in":1,"access_token":"b","expires_in":2}""");

        Assert.Equal("The response body names the member 'access_token' more than once.", error.ErrorDescription);
    }

    [Fact]
    public void Of_several_unknown_members_named_twice_the_first_repeated_is_reported()
    {
        var error = Fail("""{"access_token":"t","expires_in":3599,"vendor":1,"other":1,"vendor":2,"other":2}""");

        Assert.Equal("The response body names the member 'vendor' more than once.", error.ErrorDescription);
    }

    [Theory]
    [InlineData("""{"access_token":5,"expires_in":3599}""", "The member 'access_token' must be a string or null.")]
    [InlineData("""{"access_token":"t","expires_in":true}""", "The member 'expires_in' must be an integer or an integer string (signed 64-bit) or null.")]
    [InlineData("""{"error":"invalid_client","error_codes":"7000215"}""", "The member 'error_codes' must be an array of integers or integer strings or null.")]
    [InlineData("""{"error":"invalid_client","error_codes":[true]}""", "The member 'error_codes' must be an array of integers or integer strings (signed 32-bit) or null.")]
    [InlineData("""{"error":"invalid_client","error_codes":["2147483648"]}""", "The member 'error_codes' must be an array of integers or integer strings (signed 32-bit) or null.")]
    [InlineData("""{"access_token":"t","\ud800":1}""", "a member name holds an escape that is not a Unicode character.")]
    public void A_member_of_the_wrong_type_is_named_with_the_type_it_must_have(string body, string reason)
    {
        var error = Fail(body);

        Assert.Equal("invalid_response", error.Error);
        Assert.EndsWith($"is not valid JSON ({reason}).", error.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_codes_given_as_integer_strings_are_read()
    {
        var error = Fail("""{"error":"invalid_client","error_codes":["7000215","+700027"]}""", HttpStatusCode.Unauthorized);

        Assert.Equal("invalid_client", error.Error);
        Assert.Equal([7000215, 700027], error.ErrorCodes);
    }

    [Fact]
    public void A_lifetime_string_beyond_32_bits_is_read_as_a_64_bit_integer()
    {
        var error = Fail("""{"access_token":"t","expires_in":"2147483648"}""");

        Assert.Equal("The response claims a lifetime over 10 years (2147483648 s); refusing to cache such a token.", error.ErrorDescription);
    }

    [Fact]
    public void Digits_written_as_escapes_in_an_integer_string_are_read()
    {
        var token = Read("""{"access_token":"t","expires_in":"\u0033\u0035\u0039\u0039"}""");

        Assert.Equal(Now.AddSeconds(3599), token.ExpiresOn);
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"\\u0663\"")]
    [InlineData("\"\\u00e9\"")]
    [InlineData("\"\\u0061\"")]
    public void An_escaped_integer_string_that_is_not_ascii_digits_is_an_invalid_response(string value)
    {
        var error = Fail($$"""{"access_token":"t","expires_in":{{value}}}""");

        Assert.EndsWith("is not valid JSON (The member 'expires_in' must be an integer or an integer string (signed 64-bit) or null.).", error.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unescaped_member_name_that_is_not_utf8_is_a_json_error_naming_the_member_name()
    {
        byte[] body = [.. "{\""u8, 0xFF, .. "\":1}"u8];

        var error = Assert.Throws<System.Text.Json.JsonException>(() => TokenEndpointJsonReader.Read(body, out _));

        Assert.Equal("a member name holds an escape that is not a Unicode character.", error.Message);
    }
}
