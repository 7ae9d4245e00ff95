using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ClientCredentials.Emulator.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Emulator.Tests;

public sealed class CertificateAssertionTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string ClientId = TestDirectory.CertClientId;
    private readonly EmulatorHarness _emulator = fixture.Emulator;

    private AssertionBuilder Assertion(string? audience = null) => AssertionBuilder.ForCertificate(ClientId, audience ?? _emulator.V2TokenUrl());

    private Task<EndpointResponse> PostAsync(string assertion) => _emulator.PostV2Async(EmulatorHarness.AssertionForm(ClientId, assertion));

    [Fact]
    public async Task PS256_with_x5t_S256_gets_a_token_marked_as_certificate_authenticated()
    {
        var response = await PostAsync(Assertion().SignPs256(TestDirectory.RsaCertificate).Build());

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var token = new JsonWebToken(response.String("access_token"));
        Assert.Equal("2", token.GetPayloadValue<string>("azpacr"));
        Assert.Equal(ClientId, token.GetPayloadValue<string>("azp"));
    }

    [Fact]
    public async Task RS256_with_x5t_gets_a_token()
    {
        var response = await PostAsync(Assertion().SignRs256(TestDirectory.RsaCertificate).Build());

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task ES256_with_an_EC_certificate_gets_a_token()
    {
        var response = await PostAsync(Assertion().SignEs256(TestDirectory.EcCertificate).Build());

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task MSAL_shaped_assertion_with_string_times_and_no_iat_is_accepted()
    {
        var now = DateTimeOffset.UtcNow;
        var assertion = Assertion()
            .Without("iat")
            .Claim("nbf", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))
            .Claim("exp", now.AddMinutes(10).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))
            .SignPs256(TestDirectory.RsaCertificate)
            .Build();

        var response = await PostAsync(assertion);

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Audience_may_name_the_tenant_by_domain()
    {
        var response = await PostAsync(Assertion(_emulator.V2TokenUrl(TestDirectory.Domain)).SignPs256(TestDirectory.RsaCertificate).Build());

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Client_id_is_required_in_the_body_even_with_an_assertion()
    {
        var form = EmulatorHarness.AssertionForm(ClientId, Assertion().SignPs256(TestDirectory.RsaCertificate).Build());
        form.Remove("client_id");

        var response = await _emulator.PostV2Async(form);

        AadAssert.Error(response, HttpStatusCode.BadRequest, "invalid_request", 900144);
    }

    [Fact]
    public async Task V1_endpoint_accepts_the_v1_and_the_v2_endpoint_as_audience()
    {
        var v1Form = EmulatorHarness.AssertionForm(ClientId, Assertion(_emulator.V1TokenUrl()).SignPs256(TestDirectory.RsaCertificate).Build());
        v1Form.Remove("scope");
        v1Form["resource"] = TestDirectory.ApiUri;
        var v2Form = new Dictionary<string, string>(v1Form) { ["client_assertion"] = Assertion().SignPs256(TestDirectory.RsaCertificate).Build() };

        var v1Audience = await _emulator.PostV1Async(v1Form);
        var v2Audience = await _emulator.PostV1Async(v2Form);

        Assert.Equal(HttpStatusCode.OK, v1Audience.Status);
        Assert.Equal(HttpStatusCode.OK, v2Audience.Status);
    }

    [Fact]
    public async Task V2_endpoint_rejects_the_v1_endpoint_as_audience_with_AADSTS50012()
    {
        var response = await PostAsync(Assertion(_emulator.V1TokenUrl()).SignPs256(TestDirectory.RsaCertificate).Build());

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 50012);
    }

    [Fact]
    public async Task Wrong_audience_is_AADSTS50012()
    {
        var response = await PostAsync(Assertion("https://login.microsoftonline.com/x/oauth2/v2.0/token").SignPs256(TestDirectory.RsaCertificate).Build());

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 50012);
    }

    [Fact]
    public async Task Two_audience_values_are_AADSTS5002741()
    {
        var assertion = Assertion().Claim("aud", new[] { _emulator.V2TokenUrl(), _emulator.Root }).SignPs256(TestDirectory.RsaCertificate).Build();

        var response = await PostAsync(assertion);

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 5002741);
    }

    [Fact]
    public async Task Unregistered_certificate_is_AADSTS700027()
    {
        using var stranger = TestCertificates.Rsa(subject: "CN=stranger");

        var response = await PostAsync(Assertion().SignPs256(stranger).Build());

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 700027);
    }

    [Fact]
    public async Task Signature_by_another_key_under_a_registered_thumbprint_is_AADSTS700027()
    {
        using var stranger = TestCertificates.Rsa(subject: "CN=stranger");
        var assertion = Assertion()
            .Sign(new X509SecurityKey(stranger), SecurityAlgorithms.RsaSsaPssSha256)
            .Header("x5t#S256", Base64UrlEncoder.Encode(SHA256.HashData(TestDirectory.RsaCertificate.RawData)))
            .Build();

        var response = await PostAsync(assertion);

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 700027);
        Assert.Contains("signature validation", response.String("error_description"));
    }

    [Fact]
    public async Task Unsupported_algorithm_is_rejected()
    {
        var assertion = Assertion()
            .Sign(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256)
            .Header("x5t#S256", Base64UrlEncoder.Encode(SHA256.HashData(TestDirectory.RsaCertificate.RawData)))
            .Build();

        var response = await PostAsync(assertion);

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 50027);
    }

    [Fact]
    public async Task Assertion_without_certificate_header_is_treated_as_federated_and_has_no_trusted_issuer()
    {
        var assertion = Assertion().Claim("iss", "https://someone.example").Sign(new RsaSecurityKey(TestDirectory.RsaCertificate.GetRSAPrivateKey()!), SecurityAlgorithms.RsaSsaPssSha256).Build();

        var response = await PostAsync(assertion);

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 700211);
    }

    [Fact]
    public async Task Expired_assertion_is_AADSTS700024()
    {
        var past = DateTimeOffset.UtcNow.AddMinutes(-30);

        var response = await PostAsync(AssertionBuilder.ForCertificate(ClientId, _emulator.V2TokenUrl(), past).SignPs256(TestDirectory.RsaCertificate).Build());

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 700024);
    }

    [Fact]
    public async Task Not_yet_valid_assertion_is_AADSTS700024()
    {
        var future = DateTimeOffset.UtcNow.AddMinutes(20);

        var response = await PostAsync(AssertionBuilder.ForCertificate(ClientId, _emulator.V2TokenUrl(), future).SignPs256(TestDirectory.RsaCertificate).Build());

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 700024);
    }

    [Fact]
    public async Task Assertion_expired_within_the_five_minute_skew_is_accepted()
    {
        var issued = DateTimeOffset.UtcNow.AddMinutes(-12);

        var response = await PostAsync(AssertionBuilder.ForCertificate(ClientId, _emulator.V2TokenUrl(), issued).SignPs256(TestDirectory.RsaCertificate).Build());

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Assertion_living_longer_than_an_hour_is_rejected()
    {
        var assertion = Assertion().Claim("exp", DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds()).SignPs256(TestDirectory.RsaCertificate).Build();

        var response = await PostAsync(assertion);

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 50027);
        Assert.Contains("maximum accepted lifetime", response.String("error_description"));
    }

    [Fact]
    public async Task Issuer_other_than_the_client_id_is_AADSTS700021()
    {
        var assertion = Assertion().Claim("iss", TestDirectory.SecretClientId).Claim("sub", TestDirectory.SecretClientId).SignPs256(TestDirectory.RsaCertificate).Build();

        var response = await PostAsync(assertion);

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 700021);
    }

    [Fact]
    public async Task Subject_other_than_the_issuer_is_AADSTS50048()
    {
        var assertion = Assertion().Claim("sub", "someone-else").SignPs256(TestDirectory.RsaCertificate).Build();

        var response = await PostAsync(assertion);

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 50048);
    }

    [Fact]
    public async Task Missing_jti_is_rejected()
    {
        var response = await PostAsync(Assertion().Without("jti").SignPs256(TestDirectory.RsaCertificate).Build());

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 50027);
        Assert.Contains("'jti'", response.String("error_description"));
    }

    [Fact]
    public async Task Replayed_jti_is_AADSTS50013()
    {
        var assertion = Assertion().SignPs256(TestDirectory.RsaCertificate).Build();

        var first = await PostAsync(assertion);
        var second = await PostAsync(assertion);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        AadAssert.Error(second, HttpStatusCode.Unauthorized, "invalid_client", 50013);
    }

    [Fact]
    public async Task Malformed_assertion_is_AADSTS50027()
    {
        var response = await PostAsync("not-a-jwt");

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 50027);
    }

    [Fact]
    public async Task Wrong_assertion_type_is_an_invalid_request()
    {
        var form = EmulatorHarness.AssertionForm(ClientId, Assertion().SignPs256(TestDirectory.RsaCertificate).Build());
        form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer";

        var response = await _emulator.PostV2Async(form);

        AadAssert.Error(response, HttpStatusCode.BadRequest, "invalid_request", 90023);
    }

    [Fact]
    public async Task Certificate_known_by_thumbprint_only_is_accepted_with_x5c()
    {
        var certificate = TestDirectory.ThumbprintOnlyCertificate;
        var assertion = AssertionBuilder.ForCertificate(TestDirectory.ThumbprintOnlyClientId, _emulator.V2TokenUrl())
            .SignPs256(certificate)
            .Header("x5c", new[] { Convert.ToBase64String(certificate.RawData) })
            .Build();

        var response = await _emulator.PostV2Async(EmulatorHarness.AssertionForm(TestDirectory.ThumbprintOnlyClientId, assertion));

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Certificate_known_by_thumbprint_only_without_x5c_is_AADSTS700027()
    {
        var assertion = AssertionBuilder.ForCertificate(TestDirectory.ThumbprintOnlyClientId, _emulator.V2TokenUrl()).SignPs256(TestDirectory.ThumbprintOnlyCertificate).Build();

        var response = await _emulator.PostV2Async(EmulatorHarness.AssertionForm(TestDirectory.ThumbprintOnlyClientId, assertion));

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 700027);
        Assert.Contains("x5c", response.String("error_description"));
    }

    [Fact]
    public async Task Error_descriptions_never_echo_the_assertion()
    {
        var assertion = Assertion().Claim("sub", "someone-else").SignPs256(TestDirectory.RsaCertificate).Build();

        var response = await PostAsync(assertion);

        Assert.DoesNotContain(assertion.Split('.')[2], response.Body);
        Assert.DoesNotContain(assertion.Split('.')[1], response.Body);
        _ = JsonDocument.Parse(response.Body);
    }
}
