namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// The claims of an Entra claims challenge (continuous access evaluation) as a handler receives them in
/// <c>WWW-Authenticate</c>: Base64 or Base64url (RFC 4648 §4, §5) with or without padding, or the JSON itself.
/// The expected encodings were produced independently (Python's base64 module).
/// </summary>
public sealed class ClaimsChallengeTests
{
    private const string CaeClaims = """{"access_token":{"nbf":{"essential":true,"value":"1604106651"}}}""";

    [Theory]
    [InlineData("eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNjA0MTA2NjUxIn19fQ==")]
    [InlineData("eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNjA0MTA2NjUxIn19fQ")]
    [InlineData("  eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNjA0MTA2NjUxIn19fQ \r\n")]
    public void An_entra_challenge_decodes_with_or_without_padding_and_surrounding_whitespace(string challenge)
    {
        Assert.True(ClaimsChallenge.TryDecode(challenge, out var claims));
        Assert.Equal(CaeClaims, claims);
    }

    [Theory]
    [InlineData("eyJrIjoiPz8/fn5+Pj4ifQ==", """{"k":"???~~~>>"}""")]
    [InlineData("eyJrIjoiPz8_fn5-Pj4ifQ", """{"k":"???~~~>>"}""")]
    [InlineData("eyJrIjoiPz8+In0=", """{"k":"??>"}""")]
    [InlineData("eyJrIjoiPz8-In0", """{"k":"??>"}""")]
    [InlineData("eyJrIjoiw78_In0", """{"k":"ÿ?"}""")]
    [InlineData("eyJhYmMiOjF9", """{"abc":1}""")]
    public void Base64_and_base64url_alphabets_both_decode_whatever_the_length(string challenge, string expected)
    {
        Assert.True(ClaimsChallenge.TryDecode(challenge, out var claims));
        Assert.Equal(expected, claims);
    }

    [Fact]
    public void Decoded_json_is_returned_without_the_whitespace_around_it()
    {
        // Base64 of ' {"a":1} ' (a space before and after the object).
        Assert.True(ClaimsChallenge.TryDecode("IHsiYSI6MX0g", out var claims));
        Assert.Equal("""{"a":1}""", claims);
    }

    [Theory]
    [InlineData("""{"access_token":{"xms_cc":{"values":["cp1"]}}}""")]
    [InlineData("""  {"a":1}  """)]
    public void A_challenge_that_is_already_json_is_taken_as_it_is(string challenge)
    {
        Assert.True(ClaimsChallenge.TryDecode(challenge, out var claims));
        Assert.Equal(challenge.Trim(), claims);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("eyJhIjox!!")] // not the Base64 alphabet
    [InlineData("eyJhIjoxfQ===")] // more padding than Base64 allows
    [InlineData("//57fQ==")] // bytes that are not UTF-8 (0xFF 0xFE)
    [InlineData("eyJhIjoiwyJ9")] // a truncated UTF-8 sequence inside the JSON
    [InlineData("{\"a\":")] // starts like JSON but is not
    [InlineData("{not json}")]
    [InlineData("WzFd")] // [1]: JSON, but not an object
    [InlineData("ImEi")] // "a": JSON, but not an object
    [InlineData("bnVsbA")] // null
    public void What_is_not_a_json_object_is_refused_with_an_empty_result(string? challenge)
    {
        Assert.False(ClaimsChallenge.TryDecode(challenge, out var claims));
        Assert.Equal(string.Empty, claims);
    }
}
