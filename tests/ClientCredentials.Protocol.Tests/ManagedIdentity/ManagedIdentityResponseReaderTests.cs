using System.Net;
using System.Text;

namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>Answers the property tests found to break the reader, kept as fixed cases: each is a typed error.</summary>
public sealed class ManagedIdentityResponseReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static TokenEndpointException Refused(HttpStatusCode status, byte[] body)
    {
        using var response = new HttpResponseMessage(status);
        return Assert.Throws<TokenEndpointException>(() => ManagedIdentityResponseReader.Read(status, response.Headers, body, new ManagedIdentityResponseContext(ManagedIdentitySource.Imds, ["https://management.azure.com/.default"], "corr", Now)));
    }

    [Fact]
    public void An_error_member_whose_text_does_not_decode_still_makes_the_answer_an_error()
    {
        var error = Refused(HttpStatusCode.OK, Encoding.UTF8.GetBytes("""{"access_token":"y","expires_in":97911,"error":"\ud800"}"""));
        Assert.Equal("managed_identity_error", error.Error);
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
    }

    [Fact]
    public void A_body_that_is_not_UTF_8_is_an_invalid_response_without_an_excerpt_of_a_success()
    {
        var error = Refused(HttpStatusCode.OK, [.. Encoding.UTF8.GetBytes("{\"access_token\":\"abc\",\"expires_in\":60,\"x\":\""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}")]);
        Assert.Equal(TokenResponseReader.InvalidResponse, error.Error);
        Assert.Null(error.ResponseSnippet);
    }

    [Theory]
    [InlineData("-9223372036854775808")]
    [InlineData("0")]
    [InlineData("\"-5\"")]
    public void A_lifetime_that_is_not_positive_is_an_invalid_response(string expiresIn)
    {
        var error = Refused(HttpStatusCode.OK, Encoding.UTF8.GetBytes($$"""{"access_token":"abc","expires_in":{{expiresIn}}}"""));
        Assert.Equal(TokenResponseReader.InvalidResponse, error.Error);
    }
}
