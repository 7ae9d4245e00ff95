using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;
using ClientCredentials.Protocol.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>DPoP on the token request (RFC 9449 §4, §5, §8): the proof's header and claims, the nonce retry (at most one), the key's thumbprint.</summary>
public sealed class DPoPTests : IDisposable
{
    private readonly LoopbackWireMock _mock = LoopbackWireMock.Start();
    private readonly DPoPProofKey _key = DPoPProofKey.CreateEphemeral();

    public void Dispose()
    {
        _mock.Dispose();
        _key.Dispose();
    }

    private Uri TokenEndpoint => _mock.Url("token");

    private ClientCredentialsClient Client(TimeProvider? clock = null, RecordingLogger? logger = null) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.TokenEndpoint(TokenEndpoint),
        ClientId = "svc",
        Credential = new ClientSecretCredential("pw"),
        DPoPKey = _key,
        Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
        TimeProvider = clock,
        LoggerFactory = logger is null ? null : new RecordingLoggerFactory(logger),
    });

    private static WireMock.ResponseBuilders.IResponseBuilder InvalidClient() =>
        WireMockResponses.Json(401, new JsonObject { ["error"] = "invalid_client", ["error_description"] = "Client authentication failed." });

    private static WireMock.ResponseBuilders.IResponseBuilder NonceChallenge(string nonce) =>
        WireMockResponses.Json(400, new JsonObject { ["error"] = "use_dpop_nonce", ["error_description"] = "Authorization server requires nonce in DPoP proof" }, new Dictionary<string, string> { ["DPoP-Nonce"] = nonce });

    private static WireMock.ResponseBuilders.IResponseBuilder DPoPToken() =>
        WireMockResponses.Json(200, new JsonObject { ["access_token"] = "bound", ["token_type"] = "DPoP", ["expires_in"] = 3600 });

    private IReadOnlyList<JsonWebToken> Proofs() =>
        [.. _mock.Requests.Where(r => r.Method == "POST").Select(r => new JsonWebToken(r.GetHeader("DPoP")))];

    [Fact]
    public async Task The_token_request_carries_a_proof_signed_by_the_key_for_post_to_the_token_endpoint()
    {
        _mock.Stub(WireMockResponses.Post("/token"), DPoPToken());
        var clock = new TestClock();

        var token = await Client(clock).GetTokenAsync(new TokenRequestParameters("read"));

        var proof = Proofs().Single();
        Assert.Equal("DPoP", token.TokenType);
        Assert.Equal("dpop+jwt", proof.Typ);
        Assert.Equal("ES256", proof.Alg);
        Assert.Equal("POST", proof.GetClaim("htm").Value);
        Assert.Equal(TokenEndpoint.AbsoluteUri, proof.GetClaim("htu").Value);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds(), long.Parse(proof.GetClaim("iat").Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(proof.TryGetClaim("ath", out _));
        var jwk = new JsonWebKey(proof.GetHeaderValue<JsonElement>("jwk").GetRawText());
        Assert.Equal(_key.Thumbprint, Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()));
        var valid = await new JsonWebTokenHandler().ValidateTokenAsync(proof.EncodedToken, new TokenValidationParameters { IssuerSigningKey = jwk, ValidateAudience = false, ValidateIssuer = false, ValidateLifetime = false, ValidTypes = ["dpop+jwt"] });
        Assert.True(valid.IsValid, valid.Exception?.Message);
    }

    [Fact]
    public async Task A_use_dpop_nonce_answer_is_retried_once_with_the_nonce_and_the_nonce_is_kept_for_the_next_request()
    {
        _mock.StubSequence(WireMockResponses.Post("/token"), NonceChallenge("n-1"), DPoPToken(), DPoPToken());
        var client = Client();

        await client.GetTokenAsync(new TokenRequestParameters("read"));
        await client.GetTokenAsync(new TokenRequestParameters("write"));

        var proofs = Proofs();
        Assert.Equal(3, proofs.Count);
        Assert.False(proofs[0].TryGetClaim("nonce", out _));
        Assert.Equal("n-1", proofs[1].GetClaim("nonce").Value);
        Assert.Equal("n-1", proofs[2].GetClaim("nonce").Value);
        Assert.NotEqual(proofs[0].GetClaim("jti").Value, proofs[1].GetClaim("jti").Value);
    }

    [Fact]
    public async Task A_nonce_loop_stops_after_one_retry_with_a_typed_error_that_says_so()
    {
        _mock.StubSequence(WireMockResponses.Post("/token"), NonceChallenge("n-1"), NonceChallenge("n-2"), NonceChallenge("n-3"));

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => Client().GetTokenAsync(new TokenRequestParameters("read")).AsTask());

        Assert.Equal("use_dpop_nonce", error.Error);
        Assert.Equal(
            "The token endpoint asked for a new DPoP nonce again right after the retry that carried the nonce it had given; the client retries once per request (RFC 9449 §8). " +
            "Check that the server keeps its nonces valid long enough and that the clocks agree.",
            error.Details.Remedy);
        Assert.Equal(2, _mock.Requests.Count(r => r.Method == "POST"));
    }

    [Fact]
    public async Task A_nonce_retry_is_logged()
    {
        _mock.StubSequence(WireMockResponses.Post("/token"), NonceChallenge("n-1"), DPoPToken());
        var logger = new RecordingLogger();

        await Client(logger: logger).GetTokenAsync(new TokenRequestParameters("read") { CorrelationId = "dpop-log" });

        Assert.Equal($"The token endpoint {TokenEndpoint.AbsoluteUri} asked for a DPoP nonce; retrying once with it (client-request-id dpop-log).", Assert.Single(logger.Records, r => r.EventId == 1008).Message);
    }

    [Fact]
    public async Task Another_error_to_a_dpop_request_is_neither_retried_nor_given_a_nonce_remedy()
    {
        _mock.Stub(WireMockResponses.Post("/token"), InvalidClient());

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => Client().GetTokenAsync(new TokenRequestParameters("read")).AsTask());

        Assert.Equal("invalid_client", error.Error);
        Assert.Null(error.Details.Remedy);
        Assert.Single(_mock.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task Another_error_to_the_nonce_retry_is_reported_as_it_is()
    {
        _mock.StubSequence(WireMockResponses.Post("/token"), NonceChallenge("n-1"), InvalidClient());

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => Client().GetTokenAsync(new TokenRequestParameters("read")).AsTask());

        Assert.Equal("invalid_client", error.Error);
        Assert.Null(error.Details.Remedy);
        Assert.Equal(2, _mock.Requests.Count(r => r.Method == "POST"));
    }

    [Fact]
    public async Task A_nonce_challenge_without_a_usable_nonce_is_not_retried()
    {
        _mock.Stub(WireMockResponses.Post("/token"), NonceChallenge("bad \"nonce\""));

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => Client().GetTokenAsync(new TokenRequestParameters("read")).AsTask());

        Assert.Contains("no usable DPoP-Nonce", error.Details.Remedy, StringComparison.Ordinal);
        Assert.Single(_mock.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task A_resource_proof_hashes_the_token_and_drops_the_query_from_htu()
    {
        _mock.Stub(WireMockResponses.Post("/token"), DPoPToken());
        var client = Client();
        var token = await client.GetTokenAsync(new TokenRequestParameters("read"));

        var proof = new JsonWebToken(client.CreateDPoPProof(HttpMethod.Delete, new Uri("https://api.example/items/7?force=true#x"), token, "rs-nonce"));

        Assert.Equal("DELETE", proof.GetClaim("htm").Value);
        Assert.Equal("https://api.example/items/7", proof.GetClaim("htu").Value);
        Assert.Equal(Base64UrlEncoder.Encode(SHA256.HashData("bound"u8)), proof.GetClaim("ath").Value);
        Assert.Equal("rs-nonce", proof.GetClaim("nonce").Value);
    }

    [Fact]
    public void An_rsa_key_proves_with_ps256_its_thumbprint_is_rfc7638s_and_a_public_only_key_is_refused()
    {
        // The public RSA key of RFC 7638 §3.1.
        var n = Base64UrlEncoder.DecodeBytes("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw");
        var e = Base64UrlEncoder.DecodeBytes("AQAB");
        using var rsa = RSA.Create(new RSAParameters { Modulus = n, Exponent = e });

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new DPoPProofKey(rsa));

        Assert.Equal("DPoPKey", error.Setting);
        using var full = RSA.Create(2048);
        using var key = new DPoPProofKey(full);
        var parameters = full.ExportParameters(false);
        var jwk = new JsonWebKey { Kty = "RSA", N = Base64UrlEncoder.Encode(parameters.Modulus), E = Base64UrlEncoder.Encode(parameters.Exponent) };
        Assert.Equal(Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()), key.Thumbprint);
        Assert.Equal("PS256", key.Algorithm);
    }
}
