using System.Net;
using System.Text;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.Protocol;

public class ResponseLimitTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static AccessToken Read(string body, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var response = new HttpResponseMessage(status);
        return TokenResponseReader.Read(status, response.Headers, Encoding.UTF8.GetBytes(body), new TokenResponseContext(["s/.default"], "c", Now, AuthorityKind.Entra, null));
    }

    [Theory]
    [InlineData("""{"access_token":"t","expires_in":99999999999999}""")]
    [InlineData("""{"access_token":"t","expires_in":"-99999999999999"}""")]
    public void Absurd_lifetimes_are_invalid_responses_not_overflows(string body)
    {
        var error = Assert.Throws<TokenEndpointException>(() => Read(body));
        Assert.Equal("invalid_response", error.Error);
    }

    [Fact]
    public void A_huge_refresh_in_is_clamped_and_ignored()
    {
        var token = Read("""{"access_token":"t","expires_in":3599,"refresh_in":99999999999999}""");
        Assert.Null(token.RefreshOn);
    }

    [Fact]
    public void A_malformed_2xx_body_keeps_no_excerpt_because_it_may_hold_a_token()
    {
        var error = Assert.Throws<TokenEndpointException>(() => Read("""{"access_token":"eyJsecret.token.value","expires_in":3600.5}"""));
        Assert.Null(error.ResponseSnippet);
        Assert.DoesNotContain("eyJsecret", error.Message);
        Assert.DoesNotContain("eyJsecret", error.Details.ToString());
    }

    [Fact]
    public void A_non_json_error_body_is_shown_in_the_message()
    {
        var error = Assert.Throws<TokenEndpointException>(() => Read("<html><body>Bad gateway from proxy</body></html>", HttpStatusCode.BadGateway));
        Assert.Contains("Bad gateway from proxy", error.Message);
    }

    [Fact]
    public void Members_the_reader_does_not_interpret_are_kept_as_raw_json()
    {
        var token = Read("""{"access_token":"t","expires_in":"3599","resource":"https://vault.azure.net","not_before":"1700000000","x_vendor":{"a":1}}""");
        Assert.Equal("\"https://vault.azure.net\"", token.AdditionalFields["resource"]);
        Assert.Equal("\"1700000000\"", token.AdditionalFields["not_before"]);
        Assert.Equal("{\"a\":1}", token.AdditionalFields["x_vendor"]);
        Assert.Equal(token.AdditionalFields, token.With(TokenSource.Cache).AdditionalFields);
    }
}

public class ConfigurationHygieneTests
{
    [Theory]
    [InlineData("http://admin:hunter2@idp.example.com/token")]
    [InlineData("https://admin:hunter2@idp.example.com/token")]
    public void A_url_with_user_info_is_refused_without_echoing_the_password(string url)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => TokenAuthority.TokenEndpoint(new Uri(url)));
        Assert.Contains("credentials", error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public void Request_parameters_copy_the_lists_they_are_given()
    {
        var scopes = new List<string> { "a" };
        var extras = new List<KeyValuePair<string, string>> { new("resource", "r") };
        var parameters = new TokenRequestParameters(scopes) { ExtraParameters = extras };
        scopes.Add("b");
        extras.Clear();
        Assert.Equal(["a"], parameters.Scopes);
        Assert.Single(parameters.ExtraParameters);
    }

    [Fact]
    public void A_client_secret_shows_only_its_transport()
    {
        Assert.Equal("client secret (client_secret_basic)", new ClientSecretCredential("weak", ClientSecretTransport.BasicAuthentication).ToString());
    }
}

/// <summary>RFC 6749 §3.2: the token endpoint is a fixed URL; a redirect would re-post the credential elsewhere.</summary>
public sealed class RedirectTests : IDisposable
{
    private readonly LoopbackWireMock _mock = LoopbackWireMock.Start();

    public void Dispose() => _mock.Dispose();

    [Theory]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_redirect_is_not_followed_and_the_credential_is_not_posted_again(int status)
    {
        _mock.Stub(WireMockResponses.Post("/token"), WireMockResponses.Text(status, "", headers: new Dictionary<string, string> { ["Location"] = _mock.Url("elsewhere").AbsoluteUri }));
        _mock.Stub(WireMockResponses.Post("/elsewhere"), WireMockResponses.AccessToken("stolen"));
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.TokenEndpoint(_mock.Url("token")),
            ClientId = "svc",
            Credential = new ClientSecretCredential("pw"),
            Scopes = ["read"],
        });

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => client.GetTokenAsync().AsTask());
        Assert.Equal(status, (int)error.StatusCode);
        Assert.Equal("invalid_response", error.Error);
        Assert.Equal("POST /token", Assert.Single(_mock.Requests).ToString());
    }
}
