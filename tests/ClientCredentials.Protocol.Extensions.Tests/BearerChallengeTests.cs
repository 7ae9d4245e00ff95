using System.Net.Http.Headers;
using System.Text;
using ClientCredentials.Protocol.Extensions.Http;

namespace ClientCredentials.Protocol.Extensions.Tests;

/// <summary>Reading the claims of a <c>WWW-Authenticate: Bearer</c> challenge (RFC 6750 §3), through the one core decoder.</summary>
public sealed class BearerChallengeTests
{
    private const string ClaimsJson = """{"access_token":{"xms_cc":{"values":["cp1"]},"nbf":{"essential":true,"value":"1700000000"}}}""";

    public static TheoryData<string> Readable => new()
    {
        ClaimsJson,
        Convert.ToBase64String(Encoding.UTF8.GetBytes(ClaimsJson)),
        Convert.ToBase64String(Encoding.UTF8.GetBytes(ClaimsJson)).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
    };

    [Theory]
    [MemberData(nameof(Readable))]
    public void Json_base64_and_base64url_claims_decode_to_the_json(string claims)
    {
        var quoted = claims.Replace("\"", "\\\"", StringComparison.Ordinal); // a quoted-string (RFC 9110 §5.6.4)
        var challenge = BearerChallenge.Parse(new AuthenticationHeaderValue("Bearer", $"error=\"insufficient_claims\", claims=\"{quoted}\""));

        Assert.Equal("insufficient_claims", challenge.Error);
        Assert.Equal(ClaimsJson, challenge.Claims);
        Assert.False(challenge.HasUnreadableClaims);
    }

    [Theory]
    [InlineData("!!not-base64!!")]
    [InlineData("{\"open\":")]
    [InlineData("WzEsMiwzXQ")] // [1,2,3]
    [InlineData("//79")] // bytes FF FE FD: not UTF-8
    public void Claims_that_are_not_a_json_object_are_reported_unreadable(string claims)
    {
        var challenge = BearerChallenge.Parse(new AuthenticationHeaderValue("Bearer", $"error=\"insufficient_claims\", claims=\"{claims}\""));

        Assert.Null(challenge.Claims);
        Assert.True(challenge.HasUnreadableClaims);
    }
}
