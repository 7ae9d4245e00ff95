using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// Client capabilities (<c>cp1</c>) travel as <c>claims</c> <c>{"access_token":{"xms_cc":{"values":["cp1"]}}}</c> in
/// every request, merged with a claims challenge when one is given; challenged tokens keep their own cache entry.
/// </summary>
public sealed class ClientCapabilitiesTests : IAsyncLifetime
{
    private const string Scope = "https://graph.microsoft.com/.default";
    private const string Challenge = """{"access_token":{"nbf":{"essential":true,"value":"1604106651"}}}""";
    private ReplayEndpoint _entra = null!;

    public async Task InitializeAsync()
    {
        _entra = await ReplayEndpoint.StartAsync();
        _entra.Play(
            Token("first"),
            Token("second"),
            Token("third"));
    }

    public async Task DisposeAsync() => await _entra.DisposeAsync();

    private static RecordedResponse Token(string value) =>
        new(200, new Dictionary<string, string> { ["Content-Type"] = "application/json" }, $$"""{"token_type":"Bearer","expires_in":3599,"access_token":"{{value}}"}""");

    private ClientCredentialsClient Client(params string[] capabilities) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.Entra("contoso.onmicrosoft.com", _entra.BaseAddress.AbsoluteUri),
        ClientId = "6731de76-14a6-49ae-97bc-6eba6914391e",
        Credential = new ClientSecretCredential("secret"),
        Scopes = [Scope],
        ClientCapabilities = capabilities,
        Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
    });

    private JsonNode? ClaimsOf(int request)
    {
        var form = _entra.Requests[request].Body.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
        return form.TryGetValue("claims", out var claims) ? JsonNode.Parse(claims) : null;
    }

    [Fact]
    public async Task Cp1_is_declared_in_every_request_and_the_token_is_cached_as_usual()
    {
        var client = Client("cp1");
        await client.GetTokenAsync();
        var hit = await client.GetTokenAsync();

        Assert.Equal(TokenSource.Cache, hit.Source);
        Assert.Single(_entra.Requests);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"access_token":{"xms_cc":{"values":["cp1"]}}}"""), ClaimsOf(0)));
    }

    [Fact]
    public async Task A_claims_challenge_is_merged_with_the_capabilities_and_cached_apart_from_the_plain_token()
    {
        var client = Client("cp1");
        var plain = await client.GetTokenAsync();
        var challenged = await client.GetTokenAsync(new TokenRequestParameters(Scope) { Claims = Challenge });
        var plainAgain = await client.GetTokenAsync();

        Assert.Equal("second", challenged.Token);
        Assert.Equal(plain.Token, plainAgain.Token);
        Assert.Equal(TokenSource.Cache, plainAgain.Source);
        Assert.Equal(2, _entra.Requests.Count);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"access_token":{"nbf":{"essential":true,"value":"1604106651"},"xms_cc":{"values":["cp1"]}}}"""),
            ClaimsOf(1)));
    }

    [Fact]
    public async Task Capabilities_already_in_the_challenge_are_not_repeated_and_others_are_kept()
    {
        await Client("cp1", "cp2").GetTokenAsync(new TokenRequestParameters(Scope) { Claims = """{"access_token":{"xms_cc":{"values":["cp1","cpX"]}},"id_token":{"auth_time":{"essential":true}}}""" });
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"access_token":{"xms_cc":{"values":["cp1","cpX","cp2"]}},"id_token":{"auth_time":{"essential":true}}}"""),
            ClaimsOf(0)));
    }

    [Fact]
    public async Task Without_capabilities_a_challenge_is_sent_as_given_and_a_plain_request_has_no_claims()
    {
        var client = Client();
        await client.GetTokenAsync();
        await client.GetTokenAsync(new TokenRequestParameters(Scope) { Claims = Challenge });
        Assert.Null(ClaimsOf(0));
        Assert.Equal(Challenge, ClaimsOf(1)!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"access_token":{"a":1,"a":2}}""")]
    [InlineData("""{"access_token":{"nbf":"\ud800"}}""")]
    public async Task A_challenge_that_cannot_be_merged_is_a_claims_error_and_nothing_is_sent(string challenge)
    {
        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(async () => await Client("cp1").GetTokenAsync(new TokenRequestParameters(Scope) { Claims = challenge }));
        Assert.Equal("Claims", error.Setting);
        Assert.StartsWith("The claims challenge cannot be merged with the client capabilities: ", error.Message, StringComparison.Ordinal);
        Assert.Empty(_entra.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("cp 1")]
    [InlineData("cp\"1")]
    public void A_malformed_capability_is_a_configuration_error(string capability) =>
        Assert.Equal("ClientCapabilities", Assert.Throws<ClientCredentialsConfigurationException>(() => Client(capability)).Setting);
    [Fact]
    public void A_malformed_capability_is_named_in_the_error()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => Client("cp1", "cp 1"));

        Assert.Equal("Client capability 'cp 1' is not a capability name such as cp1 (printable ASCII without spaces, quotes or backslashes).", error.Message);
    }

    [Theory]
    [InlineData("!")] // U+0021, the first printable character
    [InlineData("~")] // U+007E, the last
    public async Task The_edges_of_printable_ascii_are_valid_capability_names(string capability)
    {
        await Client(capability).GetTokenAsync();

        Assert.True(JsonNode.DeepEquals(new JsonObject { ["access_token"] = new JsonObject { ["xms_cc"] = new JsonObject { ["values"] = new JsonArray(capability) } } }, ClaimsOf(0)));
    }

    [Theory]
    [InlineData("cp\u007f")]
    [InlineData("cp\\1")]
    public void Delete_and_backslash_are_not_in_a_capability_name(string capability) =>
        Assert.Equal("ClientCapabilities", Assert.Throws<ClientCredentialsConfigurationException>(() => Client(capability)).Setting);

    [Fact]
    public async Task A_null_capability_list_means_none()
    {
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.Entra("contoso.onmicrosoft.com", _entra.BaseAddress.AbsoluteUri),
            ClientId = "6731de76-14a6-49ae-97bc-6eba6914391e",
            Credential = new ClientSecretCredential("secret"),
            Scopes = [Scope],
            ClientCapabilities = null!,
        });

        await client.GetTokenAsync();

        Assert.Null(ClaimsOf(0));
    }
}
