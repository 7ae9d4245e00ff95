using System.Text;
using ClientCredentials.Emulator.Tokens;
using Microsoft.Extensions.Primitives;

namespace ClientCredentials.Emulator.Tests;

/// <summary>The emulator's request types never print a secret, an assertion or an Authorization header.</summary>
public sealed class RequestRedactionTests
{
    private const string Secret = "emulator-secret-VALUE~31x";
    private const string Assertion = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhc3NlcnRpb24tc3ViamVjdCJ9.c2lnbmF0dXJlLXZhbHVl";

    [Fact]
    public void Basic_credentials_print_the_client_id_but_not_the_secret()
    {
        var header = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("app-id:" + Secret));

        var credentials = BasicCredentials.TryRead(header, out var malformed)!;

        Assert.False(malformed);
        Assert.Equal(Secret, credentials.Secret);
        Assert.Contains("app-id", credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, $"{credentials}", StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_request_prints_field_names_but_no_secret_assertion_or_authorization_header()
    {
        var authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("app-id:" + Secret));
        var request = new TokenRequest(
            TokenEndpointVersion.V2,
            "contoso.onmicrosoft.com",
            new Dictionary<string, StringValues>
            {
                ["grant_type"] = "client_credentials",
                ["client_secret"] = Secret,
                ["client_assertion"] = Assertion,
            },
            authorization,
            ["http://127.0.0.1:5000"]);

        var text = request.ToString();

        Assert.Contains("client_assertion", text, StringComparison.Ordinal);
        Assert.Contains("contoso.onmicrosoft.com", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Assertion, text, StringComparison.Ordinal);
        Assert.DoesNotContain(authorization["Basic ".Length..], text, StringComparison.Ordinal);
    }
}
