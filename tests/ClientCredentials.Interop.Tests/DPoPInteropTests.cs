using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using ClientCredentials.Interop.Tests.Infrastructure;
using ClientCredentials.Protocol;
using ClientCredentials.Protocol.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ClientCredentials.Interop.Tests;

/// <summary>
/// DPoP (RFC 9449) against oidc-provider, which requires a server nonce on every DPoP token request, and its protected
/// resource, which checks the proof (key, <c>htm</c>, <c>htu</c>, <c>ath</c>, <c>jti</c>) and requires its own nonce.
/// </summary>
[Collection(OidcProviderCollection.Name)]
public sealed class DPoPInteropTests(OidcProviderFixture server)
{
    [Fact]
    public async Task A_dpop_token_is_bound_to_the_clients_key_after_one_nonce_retry()
    {
        using var key = DPoPProofKey.CreateEphemeral();
        var before = await server.StatsAsync();

        var token = await DPoPClient(key).GetTokenAsync();

        var after = await server.StatsAsync();
        Assert.Equal("DPoP", token.TokenType);
        Assert.Equal(key.Thumbprint, Cnf(token.Token).GetProperty("jkt").GetString());
        Assert.Equal(1, Count(after, before, "tokenUseDpopNonce"));
        Assert.Equal(2, Count(after, before, "tokenRequests"));
    }

    [Fact]
    public async Task Tokens_for_two_dpop_keys_are_cached_apart()
    {
        using var first = DPoPProofKey.CreateEphemeral();
        using var second = DPoPProofKey.CreateEphemeral();
        var cache = new TokenCache();

        var one = await DPoPClient(first, cache).GetTokenAsync();
        var two = await DPoPClient(second, cache).GetTokenAsync();

        Assert.NotEqual(one.Token, two.Token);
        Assert.Equal(second.Thumbprint, Cnf(two.Token).GetProperty("jkt").GetString());
    }

    [Fact]
    public async Task The_http_handler_calls_the_resource_with_a_proof_per_request_and_answers_its_nonce_challenge_once()
    {
        var services = new ServiceCollection();
        services.AddClientCredentials("dpop", options =>
        {
            options.Issuer = server.Issuer.OriginalString;
            options.ClientId = InteropClients.DPoPId;
            options.Credential = new ClientSecretCredential(InteropClients.DPoPSecret);
            options.Scopes = ["api:read"];
            options.UseDPoP = true;
        });
        services.AddHttpClient("api").AddClientCredentialsHandler("dpop");
        await using var provider = services.BuildServiceProvider();
        var api = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");
        var before = await server.StatsAsync();

        using var first = await api.GetAsync(server.Api);
        using var second = await api.PostAsync(server.Api, new StringContent("{}"));

        var after = await server.StatsAsync();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(InteropClients.DPoPId, JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("client_id").GetString());
        Assert.Equal(1, Count(after, before, "apiUseDpopNonce"));
        Assert.Equal(3, Count(after, before, "apiRequests"));
    }

    [Fact]
    public async Task The_cli_prints_the_header_pair_for_a_resource_request_with_the_nonce_it_is_given()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyFile = Path.Combine(Path.GetTempPath(), $"cc-interop-dpop-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(keyFile, ec.ExportPkcs8PrivateKeyPem());
        try
        {
            var withoutNonce = await CliHeadersAsync(keyFile);
            using var challenge = await CallAsync(withoutNonce);
            var nonce = challenge.Headers.GetValues("DPoP-Nonce").Single();
            var withNonce = await CliHeadersAsync(keyFile, "--dpop-nonce", nonce);
            using var answer = await CallAsync(withNonce);

            Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
            Assert.Contains("use_dpop_nonce", challenge.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public async Task Verbose_output_describes_the_proofs_but_prints_no_proof_secret_or_token()
    {
        var result = await CcToken.RunAsync(
            ["token", "--issuer", server.Issuer.OriginalString, "--client-id", InteropClients.DPoPId, "--scope", "api:read", "--secret-env", "SECRET",
                "--dpop", "--dpop-url", server.Api.AbsoluteUri, "--output", "json", "--verbose"],
            new Dictionary<string, string> { ["SECRET"] = InteropClients.DPoPSecret });

        Assert.True(result.ExitCode == 0, result.ToString());
        var output = result.Json();
        // The token request went out twice (oidc-provider asks for its nonce first): two proofs, each described.
        Assert.Contains("> DPoP: <redacted proof sha256:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("htm POST", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("with the server's nonce", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(InteropClients.DPoPSecret, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(output.GetProperty("access_token").GetString()!, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(output.GetProperty("dpop_proof").GetString()!, result.Stderr, StringComparison.Ordinal);
        // No compact JWS of any kind (proof, assertion, token): each starts with a Base64url JSON header, "eyJ".
        Assert.DoesNotContain("eyJ", result.Stderr, StringComparison.Ordinal);
    }

    private async Task<string[]> CliHeadersAsync(string keyFile, params string[] more)
    {
        var result = await CcToken.RunAsync(
            ["token", "--issuer", server.Issuer.OriginalString, "--client-id", InteropClients.DPoPId, "--scope", "api:read", "--secret-env", "SECRET",
                "--dpop-key", keyFile, "--dpop-url", server.Api.AbsoluteUri, "--output", "header", .. more],
            new Dictionary<string, string> { ["SECRET"] = InteropClients.DPoPSecret });
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Authorization: DPoP ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("DPoP: ", lines[1], StringComparison.Ordinal);
        return lines;
    }

    private async Task<HttpResponseMessage> CallAsync(string[] headerLines)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Api);
        foreach (var line in headerLines)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            request.Headers.TryAddWithoutValidation(line[..colon], line[(colon + 1)..].Trim());
        }

        return await http.SendAsync(request);
    }

    private ClientCredentialsClient DPoPClient(DPoPProofKey key, TokenCache? cache = null) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.OAuthIssuer(server.Issuer),
        ClientId = InteropClients.DPoPId,
        Credential = new ClientSecretCredential(InteropClients.DPoPSecret),
        Scopes = ["api:read"],
        HttpClient = server.HttpClient(),
        DPoPKey = key,
        Cache = cache,
    });

    private static JsonElement Cnf(string accessToken)
    {
        using var payload = JsonDocument.Parse(Base64UrlDecode(new JsonWebToken(accessToken).EncodedPayload));
        return payload.RootElement.GetProperty("cnf").Clone();
    }

    private static byte[] Base64UrlDecode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);

    private static int Count(JsonElement after, JsonElement before, string name) => after.GetProperty(name).GetInt32() - before.GetProperty(name).GetInt32();
}
