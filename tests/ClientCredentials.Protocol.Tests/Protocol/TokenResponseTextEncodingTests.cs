using System.Net;
using System.Text;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// Response bodies whose text is not valid Unicode (found by the response fuzz target): JSON between systems is UTF-8
/// (RFC 8259 §8.1), and a body that is not is an invalid response, reported as a <see cref="TokenEndpointException"/>.
/// </summary>
public sealed class TokenResponseTextEncodingTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static AccessToken Read(HttpStatusCode status, byte[] body)
    {
        using var response = new HttpResponseMessage(status);
        return TokenResponseReader.Read(status, response.Headers, body, new TokenResponseContext(["https://graph.microsoft.com/.default"], "corr-1", Now, AuthorityKind.Entra, null));
    }

    [Fact]
    public void A_success_whose_unknown_member_is_not_UTF8_is_an_invalid_response()
    {
        // Before: the member reached AdditionalFields and reading it threw InvalidOperationException.
        byte[] body = [.. """{"access_token":"secret-token-value","expires_in":3599,"vendor":"a"""u8, 0xFF, .. "\"}"u8];

        var ex = Assert.Throws<TokenEndpointException>(() => Read(HttpStatusCode.OK, body));

        Assert.Equal(TokenResponseReader.InvalidResponse, ex.Error);
        Assert.Contains("not UTF-8", ex.ErrorDescription, StringComparison.Ordinal);
        Assert.Null(ex.ResponseSnippet);
        Assert.DoesNotContain("secret-token-value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_body_that_is_not_UTF8_keeps_its_status_and_a_readable_snippet()
    {
        byte[] body = [.. """{"error":"invalid_client","error_description":"caf"""u8, 0xE9, .. "\"}"u8];

        var ex = Assert.Throws<TokenEndpointException>(() => Read(HttpStatusCode.Unauthorized, body));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal(TokenResponseReader.InvalidResponse, ex.Error);
        Assert.Contains("invalid_client", ex.ResponseSnippet, StringComparison.Ordinal);
    }

    [Fact]
    public void An_escaped_lone_surrogate_in_an_unknown_member_is_kept_as_raw_JSON()
    {
        var body = Encoding.UTF8.GetBytes("""{"access_token":"t","expires_in":60,"vendor":"\ud800"}""");

        var token = Read(HttpStatusCode.OK, body);

        Assert.Equal("\"\\ud800\"", token.AdditionalFields["vendor"]);
    }
}
