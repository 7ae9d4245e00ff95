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
        Assert.Contains("cannot sign PS256: it needs its private part", error.Message, StringComparison.Ordinal);
        using var full = RSA.Create(2048);
        using var key = new DPoPProofKey(full);
        var parameters = full.ExportParameters(false);
        var jwk = new JsonWebKey { Kty = "RSA", N = Base64UrlEncoder.Encode(parameters.Modulus), E = Base64UrlEncoder.Encode(parameters.Exponent) };
        Assert.Equal(Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()), key.Thumbprint);
        Assert.Equal("PS256", key.Algorithm);
    }
    [Fact]
    public void A_public_only_ec_key_is_refused_because_it_cannot_sign()
    {
        using var full = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicOnly = ECDsa.Create(full.ExportParameters(includePrivateParameters: false));

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new DPoPProofKey(publicOnly));

        Assert.Equal("DPoPKey", error.Setting);
        Assert.Equal("The DPoP key cannot sign: it needs its private part.", error.Message);
    }

    [Fact]
    public void A_p384_key_is_refused_naming_its_size()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new DPoPProofKey(p384));

        Assert.Equal("DPoPKey", error.Setting);
        Assert.Equal("The DPoP key is an EC key of 384 bits; ES256 needs the P-256 curve.", error.Message);
    }

    [Fact]
    public void A_256_bit_key_on_another_curve_than_p256_is_refused()
    {
        using var brainpool = ECDsa.Create(ECCurve.NamedCurves.brainpoolP256r1);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new DPoPProofKey(brainpool));

        Assert.Equal("DPoPKey", error.Setting);
        Assert.Contains("ES256 needs the P-256 curve", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ec_key_that_exports_no_public_point_is_refused()
    {
        using var inner = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var key = new HardwareEcKey(inner, dropY: true);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new DPoPProofKey(key));

        Assert.Equal("DPoPKey", error.Setting);
    }

    [Fact]
    public async Task An_ec_key_whose_private_part_cannot_be_exported_proves_possession()
    {
        using var inner = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var key = new DPoPProofKey(new HardwareEcKey(inner));

        var proof = new JsonWebToken(key.CreateProof(HttpMethod.Get, new Uri("https://api.example/items"), DateTimeOffset.UnixEpoch));

        Assert.Equal("ES256", proof.Alg);
        await AssertSignedByItsJwkAsync(proof, key);
    }

    [Fact]
    public void An_rsa_key_shorter_than_2048_bits_is_refused_naming_its_size()
    {
        using var rsa = RSA.Create(1024);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new DPoPProofKey(rsa));

        Assert.Equal("DPoPKey", error.Setting);
        Assert.Equal("The DPoP key is a 1024-bit RSA key; use at least 2048 bits, or an EC P-256 key (ES256).", error.Message);
    }

    [Fact]
    public async Task An_rsa_key_whose_private_part_cannot_be_exported_proves_possession_with_ps256()
    {
        using var inner = RSA.Create(2048);
        using var key = new DPoPProofKey(new HardwareRsaKey(inner));

        var proof = new JsonWebToken(key.CreateProof(HttpMethod.Post, new Uri("https://idp.example/token"), DateTimeOffset.UnixEpoch));

        Assert.Equal("PS256", proof.Alg);
        await AssertSignedByItsJwkAsync(proof, key);
    }

    [Fact]
    public void A_null_key_method_uri_or_response_is_an_argument_null_error()
    {
        Assert.Equal("key", Assert.Throws<ArgumentNullException>(() => new DPoPProofKey((ECDsa)null!)).ParamName);
        Assert.Equal("key", Assert.Throws<ArgumentNullException>(() => new DPoPProofKey((RSA)null!)).ParamName);
        Assert.Equal("method", Assert.Throws<ArgumentNullException>(() => _key.CreateProof(null!, new Uri("https://api.example/"), DateTimeOffset.UnixEpoch)).ParamName);
        Assert.Equal("requestUri", Assert.Throws<ArgumentNullException>(() => _key.CreateProof(HttpMethod.Get, null!, DateTimeOffset.UnixEpoch)).ParamName);
        Assert.Equal("response", Assert.Throws<ArgumentNullException>(() => DPoPNonce.From(null!)).ParamName);
    }

    [Theory]
    [InlineData("ftp://files.example/items")]
    [InlineData("items/7")]
    public void A_proof_is_made_only_for_an_absolute_http_uri(string uri)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => _key.CreateProof(HttpMethod.Get, new Uri(uri, UriKind.RelativeOrAbsolute), DateTimeOffset.UnixEpoch));

        Assert.Equal("RequestUri", error.Setting);
        Assert.Equal("A DPoP proof is made for an absolute http(s) request URI.", error.Message);
    }

    [Fact]
    public void A_proof_for_a_plain_http_uri_is_made()
    {
        var proof = new JsonWebToken(_key.CreateProof(HttpMethod.Get, new Uri("http://127.0.0.1:8080/items"), DateTimeOffset.UnixEpoch));

        Assert.Equal("http://127.0.0.1:8080/items", proof.GetClaim("htu").Value);
    }

    [Fact]
    public void A_proof_with_a_malformed_nonce_is_refused()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => _key.CreateProof(HttpMethod.Get, new Uri("https://api.example/"), DateTimeOffset.UnixEpoch, nonce: "two words"));

        Assert.Equal("DPoPNonce", error.Setting);
        Assert.Equal("The DPoP nonce is not a nonce (RFC 9449 §8.1: visible ASCII without '\"' or '\\').", error.Message);
    }

    [Theory]
    [InlineData("!", true)] // U+0021, the first NQCHAR
    [InlineData("~", true)] // U+007E, the last
    [InlineData("#[]", true)]
    [InlineData(" ", false)]
    [InlineData("\u007f", false)]
    [InlineData("a\"b", false)]
    [InlineData("a\\b", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_nonce_is_one_or_more_visible_ascii_characters_without_quote_or_backslash(string? nonce, bool valid) =>
        Assert.Equal(valid, DPoPNonce.IsValid(nonce));

    [Fact]
    public void A_nonce_may_be_512_characters_long_and_no_longer()
    {
        Assert.True(DPoPNonce.IsValid(new string('n', DPoPNonce.MaxLength)));
        Assert.False(DPoPNonce.IsValid(new string('n', DPoPNonce.MaxLength + 1)));
    }

    [Fact]
    public void The_key_shows_its_algorithm_and_thumbprint_only()
    {
        Assert.Equal($"DPoP key ES256 (jkt {_key.Thumbprint})", _key.ToString());
    }

    private static async Task AssertSignedByItsJwkAsync(JsonWebToken proof, DPoPProofKey key)
    {
        var jwk = new JsonWebKey(proof.GetHeaderValue<JsonElement>("jwk").GetRawText());
        Assert.Equal(key.Thumbprint, Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()));
        var valid = await new JsonWebTokenHandler().ValidateTokenAsync(proof.EncodedToken, new TokenValidationParameters { IssuerSigningKey = jwk, ValidateAudience = false, ValidateIssuer = false, ValidateLifetime = false, ValidTypes = ["dpop+jwt"] });
        Assert.True(valid.IsValid, valid.Exception?.Message);
    }

    /// <summary>An EC key as a hardware module or a non-exportable store keeps it: it signs, and exports its public part only.</summary>
    private sealed class HardwareEcKey(ECDsa inner, bool dropY = false) : ECDsa
    {
        public override int KeySize
        {
            get => inner.KeySize;
            set => throw new NotSupportedException();
        }

        public override ECParameters ExportParameters(bool includePrivateParameters)
        {
            if (includePrivateParameters)
            {
                throw new CryptographicException("The private key cannot be exported.");
            }

            var parameters = inner.ExportParameters(includePrivateParameters: false);
            if (dropY)
            {
                parameters.Q.Y = null;
            }

            return parameters;
        }

        public override byte[] SignHash(byte[] hash) => inner.SignHash(hash);

        public override bool VerifyHash(byte[] hash, byte[] signature) => inner.VerifyHash(hash, signature);

        protected override byte[] HashData(byte[] data, int offset, int count, HashAlgorithmName hashAlgorithm) =>
            CryptographicOperations.HashData(hashAlgorithm, data.AsSpan(offset, count));
    }

    /// <summary>An RSA key as a hardware module or a non-exportable store keeps it: it signs, and exports its public part only.</summary>
    private sealed class HardwareRsaKey(RSA inner) : RSA
    {
        public override int KeySize
        {
            get => inner.KeySize;
            set => throw new NotSupportedException();
        }

        public override RSAParameters ExportParameters(bool includePrivateParameters) =>
            includePrivateParameters ? throw new CryptographicException("The private key cannot be exported.") : inner.ExportParameters(includePrivateParameters: false);

        public override void ImportParameters(RSAParameters parameters) => throw new NotSupportedException();

        public override byte[] SignHash(byte[] hash, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding) => inner.SignHash(hash, hashAlgorithm, padding);

        public override bool VerifyHash(byte[] hash, byte[] signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding) => inner.VerifyHash(hash, signature, hashAlgorithm, padding);

        protected override byte[] HashData(byte[] data, int offset, int count, HashAlgorithmName hashAlgorithm) =>
            CryptographicOperations.HashData(hashAlgorithm, data.AsSpan(offset, count));
    }
}
