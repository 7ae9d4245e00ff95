namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// What may be written into an HTTP header (RFC 9110 §5.5 field values restricted to visible ASCII, RFC 9112 §11.2
/// request splitting) and what a client id may hold (RFC 6749 Appendix A.1): the exact edges of both ranges, and the
/// error a caller gets, which names the setting, the position and the character but never quotes the value.
/// </summary>
public sealed class HeaderValueRuleTests
{
    [Theory]
    [InlineData("!", true)] // U+0021, the first visible ASCII character
    [InlineData("~", true)] // U+007E, the last
    [InlineData("a\u0020", false)]
    [InlineData("\u007f", false)]
    [InlineData("a\u0000", false)]
    public void The_visible_ascii_range_is_exactly_U0021_to_U007E(string value, bool valid)
    {
        Assert.Equal(valid, HeaderValueRule.IsValid(value));
        Assert.Equal(valid, HeaderValueRule.IsValidToken(value));
    }

    [Theory]
    [InlineData("\"")]
    [InlineData(")")]
    [InlineData(",")]
    [InlineData("/")]
    [InlineData(";")]
    [InlineData("<")]
    [InlineData("=")]
    [InlineData(">")]
    [InlineData("?")]
    [InlineData("@")]
    [InlineData("[")]
    [InlineData("\\")]
    [InlineData("]")]
    [InlineData("{")]
    [InlineData("}")]
    public void Every_rfc_9110_delimiter_is_refused_in_a_token_but_allowed_in_a_value(string delimiter)
    {
        Assert.True(HeaderValueRule.IsValid("Bearer" + delimiter));
        Assert.False(HeaderValueRule.IsValidToken("Bearer" + delimiter));
    }

    [Theory]
    [InlineData("(")]
    [InlineData(":")]
    [InlineData("/")]
    public void A_delimiter_is_refused_as_the_first_character_of_a_token(string delimiter)
    {
        Assert.True(HeaderValueRule.IsValid(delimiter + "Bearer"));
        Assert.False(HeaderValueRule.IsValidToken(delimiter + "Bearer"));
    }

    [Fact]
    public void A_refused_value_says_why_header_values_are_restricted()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => HeaderValueRule.Validate("a\r\nb", "CorrelationId"));

        Assert.EndsWith(
            "A value sent in an HTTP header must be visible ASCII only (no CR, LF, NUL or other control character, no white space, no non-ASCII), so that it cannot end the header line and inject headers.",
            error.Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ab\ncd", "a line feed (U+000A) at position 2")]
    [InlineData("a\0", "a NUL (U+0000) at position 1")]
    [InlineData("a b", "a space (U+0020) at position 1")]
    [InlineData("\tb", "a tab (U+0009) at position 0")]
    [InlineData("abc\u00e9", "U+00E9 at position 3")]
    [InlineData("ab\u007f", "U+007F at position 2")]
    public void A_refused_value_names_the_first_bad_character_and_where_it_is(string value, string expected)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => HeaderValueRule.Validate(value, "CorrelationId"));

        Assert.Equal("CorrelationId", error.Setting);
        Assert.Contains("CorrelationId contains " + expected + ".", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void An_empty_value_is_refused_naming_the_setting(string? value)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => HeaderValueRule.Validate(value, "CorrelationId"));

        Assert.Equal("CorrelationId", error.Setting);
        Assert.StartsWith("CorrelationId is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_may_be_as_long_as_the_limit_and_no_longer()
    {
        var atLimit = new string('a', 256);
        Assert.Same(atLimit, HeaderValueRule.Validate(atLimit, "CorrelationId", 256));

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => HeaderValueRule.Validate(atLimit + "b", "CorrelationId", 256));
        Assert.Equal("CorrelationId", error.Setting);
        Assert.Contains("CorrelationId is 257 characters long; at most 256", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void The_setting_name_is_required(string? setting)
    {
        Assert.ThrowsAny<ArgumentException>(() => HeaderValueRule.Validate("value", setting!));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_client_id_is_a_configuration_error_naming_ClientId(string? clientId)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ClientWith(clientId!));

        Assert.Equal("ClientId", error.Setting);
        Assert.StartsWith("ClientId is required", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app\r\nid", "a carriage return (U+000D) at position 3")]
    [InlineData("app\u007fid", "U+007F at position 3")]
    [InlineData("  app\u00e9", "U+00E9 at position 3")] // the position counts from the trimmed id
    [InlineData("\u00e9app", "U+00E9 at position 0")]
    public void A_client_id_with_a_control_or_non_ascii_character_is_refused_naming_it(string clientId, string expected)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ClientWith(clientId));

        Assert.Equal("ClientId", error.Setting);
        Assert.Contains("ClientId contains " + expected + ";", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("my app ~!", "my app ~!")] // inner spaces and the edges of U+0020–U+007E are printable ASCII
    [InlineData("  " + TestIds.SecretAppId + "\t", TestIds.SecretAppId)]
    public void A_printable_ascii_client_id_is_accepted_and_trimmed(string clientId, string expected)
    {
        Assert.Equal(expected, ClientWith(clientId).ClientId);
    }

    private static ClientCredentialsClient ClientWith(string clientId) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.Entra(TestIds.TenantId),
        ClientId = clientId,
        Credential = new ClientSecretCredential("not-a-real-secret"),
    });
}
