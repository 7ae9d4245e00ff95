using System.Text;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol;
using ClientCredentials.Security.Tests.Infrastructure;

namespace ClientCredentials.Security.Tests;

/// <summary>
/// Attack class: a hostile or compromised token endpoint (and whoever it redirects to). The client must never send
/// its secret on to another host by itself, never accept another host's answer, never cache a token that cannot be
/// sent in a header, and never let the server's text inject lines, escape sequences or credentials into messages and logs.
/// </summary>
public sealed class HostileTokenEndpointTests
{
    public static TheoryData<int> RedirectStatuses => new() { 301, 302, 303, 307, 308 };

    [Theory]
    [MemberData(nameof(RedirectStatuses))]
    public async Task A_redirect_is_an_error_and_is_never_followed(int status)
    {
        await using var elsewhere = await LoopbackServer.StartAsync(LoopbackServer.Second, Replies.Token("token-from-elsewhere"));
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Redirect(status, elsewhere.Url("stolen/token?x=1")));
        var client = Clients.WithSecret(endpoint.Url("oauth2/token"));

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => client.GetTokenAsync().AsTask());

        Assert.Equal(status, (int)error.StatusCode);
        Assert.Equal("invalid_response", error.Error);
        Assert.False(error.IsTransient);
        Assert.Contains("http://127.0.0.2:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("x=1", error.Message, StringComparison.Ordinal);
        Assert.Single(endpoint.Requests);
        Assert.Empty(elsewhere.Requests);
    }

    [Theory]
    [MemberData(nameof(RedirectStatuses))]
    public async Task A_redirect_followed_by_the_callers_http_client_is_refused_and_the_other_hosts_token_is_not_used(int status)
    {
        await using var elsewhere = await LoopbackServer.StartAsync(LoopbackServer.Second, Replies.Token("token-from-elsewhere"));
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Redirect(status, elsewhere.Url("stolen/token")));
        using var followsRedirects = new HttpClient();
        var logs = new CapturedLogs();
        var client = Clients.WithSecret(endpoint.Url("oauth2/token"), followsRedirects, logs);

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => client.GetTokenAsync().AsTask());

        Assert.Equal("HttpClient", error.Setting);
        Assert.Contains("127.0.0.2", error.Message, StringComparison.Ordinal);
        Assert.Contains("rotate it", error.Message, StringComparison.Ordinal);
        Assert.Contains("TokenEndpointHttpHandler.Create()", error.Message, StringComparison.Ordinal);
        TextAssert.NotIn(error.Message, "token-from-elsewhere");
        var followed = Assert.Single(elsewhere.Requests);

        // .NET re-posts the body (the secret) on 307/308 only; the error says so for every status, as the client
        // cannot tell which redirect its HttpClient followed.
        Assert.Equal(status is 307 or 308, followed.Body.Contains("client_secret=", StringComparison.Ordinal));
        Assert.Contains(logs.Events, e => e.EventId == 1005);
    }

    [Theory]
    [InlineData("abc\r\nX-Injected: 1")]
    [InlineData("abc\u0000def")]
    [InlineData("abc\u0007def")]
    [InlineData("t\u00f6k\u00e9n")]
    [InlineData("abc def")]
    [InlineData("   ")]
    [InlineData("\t")]
    public async Task An_access_token_that_cannot_be_sent_in_a_header_is_an_invalid_response_and_is_not_cached(string token)
    {
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Json(200, new JsonObject { ["access_token"] = token, ["token_type"] = "Bearer", ["expires_in"] = 3600 }));
        var client = Clients.WithSecret(endpoint.Url("token"));

        var first = await Assert.ThrowsAsync<TokenEndpointException>(() => client.GetTokenAsync().AsTask());
        var second = await Assert.ThrowsAsync<TokenEndpointException>(() => client.GetTokenAsync().AsTask());

        Assert.Equal("invalid_response", first.Error);
        Assert.Equal("invalid_response", second.Error);
        Assert.Equal(2, endpoint.Requests.Count);
        TextAssert.Printable(first.Message, "message");
    }

    [Theory]
    [InlineData("Bear er")]
    [InlineData("Bear(er")]
    [InlineData("Bearer\r\nX-Injected: 1")]
    [InlineData("B\u00e9arer")]
    public async Task A_token_type_that_cannot_be_an_authorization_scheme_is_an_invalid_response(string tokenType)
    {
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Json(200, new JsonObject { ["access_token"] = "eyJ.valid.token", ["token_type"] = tokenType, ["expires_in"] = 3600 }));
        var client = Clients.WithSecret(endpoint.Url("token"));

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => client.GetTokenAsync().AsTask());

        Assert.Equal("invalid_response", error.Error);
        Assert.Contains("token_type", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"access_token":"t","token_type":"Bearer","expires_in":0}""", "0 s")]
    [InlineData("""{"access_token":"t","token_type":"Bearer","expires_in":"0"}""", "0 s")]
    [InlineData("""{"access_token":"good","access_token":"evil","token_type":"Bearer","expires_in":3600}""", "more than once")]
    [InlineData("""{"access_token":"t","token_type":"Bearer","expires_in":3600,"expires_in":1}""", "more than once")]
    public async Task A_token_expired_on_arrival_or_a_member_sent_twice_is_an_invalid_response(string body, string reason)
    {
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Raw(200, "application/json", body));
        var client = Clients.WithSecret(endpoint.Url("token"));

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => client.GetTokenAsync().AsTask());

        Assert.Equal("invalid_response", error.Error);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escape_sequences_line_breaks_and_huge_code_lists_from_the_server_are_neutralised_in_messages_and_logs()
    {
        var codes = new JsonArray();
        for (var i = 0; i < 50_000; i++)
        {
            codes.Add(7000215 + i);
        }

        var body = new JsonObject
        {
            ["error"] = "invalid_client\r\n2026-01-01 INFO forged log line",
            ["error_description"] = "AADSTS7000215: Invalid client secret.\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eevil",
            ["error_codes"] = codes,
            ["trace_id"] = "trace\r\nFORGED: yes",
            ["correlation_id"] = "corr\u001b[1m",
        };
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Json(401, body));
        var logs = new CapturedLogs();
        var client = Clients.WithSecret(endpoint.Url("token"), logs: logs);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => client.GetTokenAsync().AsTask());

        TextAssert.Printable(error.Message, "exception message");
        TextAssert.Printable(error.Details.ToString(), "TokenEndpointError.ToString()");
        Assert.True(error.Message.Length < 4096, $"The message is {error.Message.Length} characters long.");
        Assert.Contains("(49990 more)", error.Message, StringComparison.Ordinal);
        Assert.Equal(50_000, error.ErrorCodes.Count); // the data is kept, only its printing is capped
        Assert.NotEmpty(logs.Events);
        foreach (var logEvent in logs.Events)
        {
            TextAssert.Printable(logEvent.Message, $"log event {logEvent.EventId}");
            Assert.True(logEvent.Message.Length < 4096, $"Log event {logEvent.EventId} is {logEvent.Message.Length} characters long.");
        }
    }

    [Theory]
    [InlineData(500, "application/json", """{"access_token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJMRUFLIn0.LEAKED-SIGNATURE","refresh_token":"LEAKED-refresh","id_token":"LEAKED-id"}""")]
    [InlineData(502, "application/json", """{"client_assertion":"LEAKED-assertion","note":"echoed request"}""")]
    [InlineData(400, "text/plain", "upstream said: Authorization: Bearer LEAKED-opaque-token~42 and refresh_token=LEAKED-form&x=1")]
    [InlineData(400, "text/plain", "upstream said: access_token=LEAKED-form&x=1")]
    [InlineData(503, "text/html", "<html><body>cached page for eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJMRUFLIn0.LEAKED</body></html>")]
    [InlineData(500, "application/json", """{"access_token":"LEAKED-cut-short""")]
    public async Task A_token_inside_an_error_body_never_reaches_the_excerpt_the_message_or_the_log(int status, string contentType, string body)
    {
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Raw(status, contentType, body));
        var logs = new CapturedLogs();
        var client = Clients.WithSecret(endpoint.Url("token"), logs: logs);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => client.GetTokenAsync().AsTask());

        Assert.Equal("invalid_response", error.Error);
        if (body.Contains("access_token", StringComparison.Ordinal))
        {
            Assert.Null(error.ResponseSnippet); // a body that names an access_token is never excerpted at all
        }
        else
        {
            Assert.Contains("[redacted]", error.ResponseSnippet, StringComparison.Ordinal);
        }

        foreach (var text in new[] { error.Message, error.ResponseSnippet, error.Details.ToString() }.Concat(logs.Events.Select(e => e.Message)))
        {
            TextAssert.NotIn(text, "LEAKED");
            TextAssert.NotIn(text, "eyJhbGciOiJSUzI1NiJ9");
            TextAssert.NotIn(text, TestIds.Secret);
        }
    }

    [Fact]
    public async Task A_discovery_redirect_followed_by_the_callers_http_client_is_refused_before_any_token_request()
    {
        await using var elsewhere = await LoopbackServer.StartAsync(LoopbackServer.Second, _ => Task.CompletedTask);
        await using var issuer = await LoopbackServer.StartAsync(LoopbackServer.First, _ => Task.CompletedTask);
        elsewhere.Reply = Replies.Json(200, new JsonObject { ["issuer"] = issuer.BaseAddress.AbsoluteUri.TrimEnd('/'), ["token_endpoint"] = elsewhere.Url("token").AbsoluteUri });
        issuer.Reply = Replies.Redirect(302, elsewhere.Url(".well-known/openid-configuration"));
        using var followsRedirects = new HttpClient();
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.OidcIssuer(new Uri(issuer.BaseAddress.AbsoluteUri.TrimEnd('/'))),
            ClientId = TestIds.ClientId,
            Credential = new ClientSecretCredential(TestIds.Secret),
            Scopes = [TestIds.Scope],
            HttpClient = followsRedirects,
            Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
        });

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => client.GetTokenAsync().AsTask());

        Assert.Equal("HttpClient", error.Setting);
        Assert.All(elsewhere.Requests, r => Assert.Equal("GET", r.Method));
        Assert.DoesNotContain(elsewhere.Requests.Concat(issuer.Requests), r => r.Body.Contains(TestIds.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_well_behaved_endpoint_still_gets_one_request_and_gives_its_token()
    {
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Token("eyJ.good.token"));
        var client = Clients.WithSecret(endpoint.Url("token"));

        var token = await client.GetTokenAsync();
        var again = await client.GetTokenAsync();

        Assert.Equal("eyJ.good.token", token.Token);
        Assert.Equal(TokenSource.Cache, again.Source);
        var request = Assert.Single(endpoint.Requests);
        Assert.Contains("client_secret=" + Uri.EscapeDataString(TestIds.Secret).Replace("~", "%7E", StringComparison.Ordinal), request.Body, StringComparison.Ordinal);
        Assert.Equal(Encoding.ASCII.GetByteCount(request.Headers["client-request-id"]), request.Headers["client-request-id"].Length);
    }
}
