using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// The independent validator the assertion tests rely on fails every assertion Entra would refuse, naming what is wrong;
/// otherwise a passing assertion test would prove nothing.
/// </summary>
public sealed class ClientAssertionValidatorTests
{
    private const string ClientId = TestIds.CertificateAppId;
    private static readonly Uri Endpoint = new($"https://login.microsoftonline.com/{TestIds.TenantId}/oauth2/v2.0/token");
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static ExpectedClientAssertion Expected => new()
    {
        ClientId = ClientId,
        Audience = Endpoint.AbsoluteUri,
        Certificate = TestCertificates.SharedRsa2048,
        Algorithm = "PS256",
        Now = Now,
    };

    private static string LibraryAssertion() =>
        new CertificateCredential(TestCertificates.SharedRsa2048).CreateAssertion(ClientId, Endpoint, AuthorityKind.Entra, Now, "jti-1");

    [Fact]
    public void The_librarys_assertion_passes_and_is_returned_decoded()
    {
        var token = ClientAssertionValidator.Validate(LibraryAssertion(), Expected with { Lifetime = TimeSpan.FromMinutes(10) });

        Assert.Equal("jti-1", token.Id);
        Assert.Equal(ClientId, token.Subject);
    }

    [Fact]
    public void Another_audience_fails()
    {
        AssertFails(LibraryAssertion(), Expected with { Audience = "https://login.microsoftonline.com/other/oauth2/v2.0/token" }, "Audience");
    }

    [Fact]
    public void Another_client_id_fails_on_the_issuer()
    {
        AssertFails(LibraryAssertion(), Expected with { ClientId = TestIds.SecretAppId }, "Issuer");
    }

    [Fact]
    public void A_signature_by_another_key_fails()
    {
        using var stranger = TestCertificates.Rsa(subject: "CN=stranger");

        AssertFails(LibraryAssertion(), Expected with { Certificate = stranger }, "Signature");
    }

    [Fact]
    public void A_tampered_payload_fails_the_signature()
    {
        var parts = LibraryAssertion().Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!;
        payload["jti"] = "replayed";

        AssertFails($"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}", Expected, "Signature");
    }

    [Theory]
    [InlineData(11 * 60, "Lifetime")]
    [InlineData(-60, "Lifetime")]
    public void Outside_nbf_to_exp_fails(int secondsFromNow, string reason)
    {
        AssertFails(LibraryAssertion(), Expected with { Now = Now.AddSeconds(secondsFromNow) }, reason);
    }

    [Fact]
    public void Another_algorithm_than_expected_fails()
    {
        AssertFails(LibraryAssertion(), Expected with { Algorithm = "RS256" }, "alg is 'PS256', expected 'RS256'");
    }

    [Fact]
    public void Another_lifetime_than_expected_fails()
    {
        AssertFails(LibraryAssertion(), Expected with { Lifetime = TimeSpan.FromMinutes(5) }, "exp - nbf");
    }

    [Theory]
    [InlineData("sub", "sub is")]
    [InlineData("jti", "jti is missing")]
    [InlineData("x5t#S256", "x5t#S256 is")]
    [InlineData("no-x5t#S256", "has no x5t#S256")]
    [InlineData("x5t", "x5t is")]
    public void A_correctly_signed_assertion_with_a_wrong_member_fails_naming_it(string wrong, string reason)
    {
        var certificate = TestCertificates.SharedRsa2048;
        var header = new JsonObject { ["alg"] = "PS256", ["typ"] = "JWT", ["x5t#S256"] = Base64UrlEncoder.Encode(SHA256.HashData(certificate.RawData)) };
        var payload = new JsonObject
        {
            ["aud"] = Endpoint.AbsoluteUri,
            ["iss"] = ClientId,
            ["sub"] = ClientId,
            ["jti"] = "jti-1",
            ["nbf"] = Now.ToUnixTimeSeconds(),
            ["exp"] = Now.ToUnixTimeSeconds() + 600,
        };
        switch (wrong)
        {
            case "sub": payload["sub"] = "someone-else"; break;
            case "jti": payload.Remove("jti"); break;
            case "x5t#S256": header["x5t#S256"] = Base64UrlEncoder.Encode(SHA256.HashData([1, 2, 3])); break;
            case "no-x5t#S256": header.Remove("x5t#S256"); break;
            case "x5t": header["x5t"] = Base64UrlEncoder.Encode(SHA1.HashData([1, 2, 3])); break;
        }

        var signingInput = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + Base64UrlEncoder.Encode(payload.ToJsonString());
        var signature = certificate.GetRSAPrivateKey()!.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

        AssertFails(signingInput + "." + Base64UrlEncoder.Encode(signature), Expected, reason);
    }

    private static void AssertFails(string assertion, ExpectedClientAssertion expected, string reason)
    {
        var error = Assert.Throws<ClientAssertionInvalidException>(() => ClientAssertionValidator.Validate(assertion, expected));
        Assert.True(error.Message.Contains(reason, StringComparison.OrdinalIgnoreCase), $"Expected the reason '{reason}' in: {error.Message}");
    }
}
