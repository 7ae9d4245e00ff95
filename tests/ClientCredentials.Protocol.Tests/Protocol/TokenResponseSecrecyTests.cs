using System.Net;
using System.Text;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// An error answer whose body carries an access token (found by the secrecy property of the response reader): the
/// exception keeps no excerpt of it, so the token cannot reach a log; other bodies keep their excerpt.
/// </summary>
public sealed class TokenResponseSecrecyTests
{
    private const string Token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.c2VjcmV0.c2ln";

    private static TokenEndpointException Refuse(HttpStatusCode status, string body)
    {
        using var response = new HttpResponseMessage(status);
        var context = new TokenResponseContext(["https://graph.microsoft.com/.default"], "corr-1", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), AuthorityKind.Entra, null);
        return Assert.Throws<TokenEndpointException>(() => TokenResponseReader.Read(status, response.Headers, Encoding.UTF8.GetBytes(body), context));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, $$"""{"token_type":"Bearer","expires_in":3599,"access_token":"{{Token}}"}""")]
    [InlineData(HttpStatusCode.BadGateway, $$"""{"token_type":"Bearer","access_token":"{{Token}}","ext_exp""")]
    [InlineData((HttpStatusCode)495, $$"""<html>upstream said {"access_token":"{{Token}}"}</html>""")]
    public void An_error_status_whose_body_holds_an_access_token_keeps_no_excerpt(HttpStatusCode status, string body)
    {
        var ex = Refuse(status, body);

        Assert.Null(ex.ResponseSnippet);
        Assert.Contains("no excerpt", ex.ErrorDescription, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", ex.Details.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_status_with_another_body_keeps_its_excerpt()
    {
        var ex = Refuse(HttpStatusCode.BadGateway, "<html><body>502 Bad Gateway</body></html>");

        Assert.Equal("<html><body>502 Bad Gateway</body></html>", ex.ResponseSnippet);
    }
}
