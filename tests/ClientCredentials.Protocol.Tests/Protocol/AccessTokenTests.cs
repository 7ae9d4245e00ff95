namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// What an <see cref="AccessToken"/> and its copies give back: instants in UTC, absent optional instants, and the
/// <c>client-request-id</c> text exactly as it was sent.
/// </summary>
public class AccessTokenTests
{
    private static readonly DateTimeOffset Expiry = new(2026, 11, 22, 13, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("5f0c2b1e-8d3a-4c7b-9e21-0a6f4d3c2b1a")]
    [InlineData("5F0C2B1E-8D3A-4C7B-9E21-0A6F4D3C2B1A")]
    [InlineData("{5f0c2b1e-8d3a-4c7b-9e21-0a6f4d3c2b1a}")]
    [InlineData("5f0c2b1e8d3a4c7b9e210a6f4d3c2b1a")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("my-job-42")]
    [InlineData("")]
    public void A_copy_reports_the_correlation_id_exactly_as_given(string correlationId)
    {
        var token = Token(correlationId);

        var cachedCopy = token.With(TokenSource.Cache);
        var copyOfCopy = cachedCopy.With(TokenSource.Cache, isExtendedLifetime: true);

        Assert.Equal(correlationId, token.CorrelationId);
        Assert.Equal(correlationId, cachedCopy.CorrelationId);
        Assert.Equal(correlationId, copyOfCopy.CorrelationId);
    }

    [Fact]
    public void No_correlation_id_stays_none_in_copies()
    {
        var token = Token(correlationId: null);

        Assert.Null(token.With(TokenSource.Cache).CorrelationId);
    }

    [Fact]
    public void A_cached_entry_reports_the_correlation_id_of_the_request_that_got_the_token()
    {
        var correlationId = Guid.NewGuid().ToString();
        var entry = TokenCacheEntry.Create(Token(correlationId), Expiry.AddHours(-1), new TokenCacheOptions(), out _);

        Assert.Equal(correlationId, entry.Token.CorrelationId);
        Assert.Equal(TokenSource.Cache, entry.Token.Source);
    }

    [Fact]
    public void Instants_come_back_as_the_same_moments_in_UTC()
    {
        var offset = TimeSpan.FromHours(2);
        var token = new AccessToken(
            "t",
            "Bearer",
            Expiry.ToOffset(offset),
            Expiry.AddMinutes(-30).ToOffset(offset),
            Expiry.AddHours(1).ToOffset(offset),
            ["api://one/.default"],
            null,
            TokenSource.IdentityProvider);

        Assert.Equal(Expiry, token.ExpiresOn);
        Assert.Equal(TimeSpan.Zero, token.ExpiresOn.Offset);
        Assert.True(Expiry.AddMinutes(-30).EqualsExact(token.RefreshOn!.Value), $"RefreshOn {token.RefreshOn:o}");
        Assert.True(Expiry.AddHours(1).EqualsExact(token.ExtendedExpiresOn!.Value), $"ExtendedExpiresOn {token.ExtendedExpiresOn:o}");
    }

    [Fact]
    public void Absent_optional_instants_stay_absent_and_the_earliest_instant_is_not_taken_for_absent()
    {
        var none = new AccessToken("t", "Bearer", Expiry, null, null, ["s"], null, TokenSource.IdentityProvider);
        var earliest = new AccessToken("t", "Bearer", Expiry, DateTimeOffset.MinValue, DateTimeOffset.MinValue, ["s"], null, TokenSource.IdentityProvider);

        Assert.Null(none.RefreshOn);
        Assert.Null(none.ExtendedExpiresOn);
        Assert.Null(none.With(TokenSource.Cache).RefreshOn);
        Assert.Equal(DateTimeOffset.MinValue, earliest.RefreshOn);
        Assert.Equal(DateTimeOffset.MinValue, earliest.With(TokenSource.Cache).ExtendedExpiresOn);
    }

    [Fact]
    public void A_copy_keeps_every_field_but_the_source_and_the_extended_lifetime_flag()
    {
        var token = new AccessToken("t", "pop", Expiry, Expiry.AddMinutes(-5), Expiry.AddHours(2), ["a", "b"], "id", TokenSource.IdentityProvider)
        {
            AdditionalFields = new Dictionary<string, string> { ["resource"] = "\"https://vault.azure.net\"" },
        };

        var copy = token.With(TokenSource.Cache, isExtendedLifetime: true);

        Assert.Equal((token.Token, token.TokenType, token.ExpiresOn, token.RefreshOn, token.ExtendedExpiresOn), (copy.Token, copy.TokenType, copy.ExpiresOn, copy.RefreshOn, copy.ExtendedExpiresOn));
        Assert.Same(token.Scopes, copy.Scopes);
        Assert.Same(token.AdditionalFields, copy.AdditionalFields);
        Assert.Equal((TokenSource.Cache, true), (copy.Source, copy.IsExtendedLifetime));
    }

    [Fact]
    public void A_token_needs_text_a_type_and_scopes()
    {
        Assert.Equal("token", Assert.Throws<ArgumentException>(() => new AccessToken("", "Bearer", Expiry, null, null, ["s"], null, TokenSource.Cache)).ParamName);
        Assert.Equal("token", Assert.Throws<ArgumentNullException>(() => new AccessToken(null!, "Bearer", Expiry, null, null, ["s"], null, TokenSource.Cache)).ParamName);
        Assert.Equal("tokenType", Assert.Throws<ArgumentException>(() => new AccessToken("t", "", Expiry, null, null, ["s"], null, TokenSource.Cache)).ParamName);
        Assert.Equal("scopes", Assert.Throws<ArgumentNullException>(() => new AccessToken("t", "Bearer", Expiry, null, null, null!, null, TokenSource.Cache)).ParamName);
    }

    [Fact]
    public void A_token_prints_its_type_fingerprint_scopes_expiry_and_source_never_itself()
    {
        var token = new AccessToken("secret-token-text", "Bearer", Expiry, null, null, ["api://one/.default", "api://two/.default"], null, TokenSource.IdentityProvider);

        Assert.Equal($"Bearer token {Diagnostics(token.Token)} for [api://one/.default api://two/.default], expires 2026-11-22 13:00:00Z, from IdentityProvider", token.ToString());
        Assert.Equal($"Bearer token {Diagnostics(token.Token)} for [api://one/.default api://two/.default], expires 2026-11-22 13:00:00Z, from Cache (extended lifetime)", token.With(TokenSource.Cache, isExtendedLifetime: true).ToString());
        Assert.DoesNotContain("secret-token-text", token.ToString());

        static string Diagnostics(string value) => TokenFingerprint.Of(value);
    }

    private static AccessToken Token(string? correlationId) =>
        new("t", "Bearer", Expiry, null, null, ["api://one/.default"], correlationId, TokenSource.IdentityProvider);
}
