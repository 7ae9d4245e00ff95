namespace ClientCredentials.Protocol.Tests.Cache;

public class TokenCacheOptionsTests
{
    [Fact]
    public void Defaults_match_the_documented_values()
    {
        var options = new TokenCacheOptions();

        Assert.Equal(TimeSpan.FromMinutes(5), options.ExpiryBuffer);
        Assert.Equal(0.5, options.RefreshAheadAt);
        Assert.Equal(10_000, options.MaxEntries);
        Assert.False(options.UseExtendedLifetime);
        Assert.Equal(TimeSpan.FromSeconds(30), options.SharedRequestTimeout);
        Assert.Same(options, new TokenCache(options).Options);
    }

    public static TheoryData<TokenCacheOptions, string> InvalidOptions => new()
    {
        { new TokenCacheOptions { ExpiryBuffer = TimeSpan.FromSeconds(-1) }, "TokenCacheOptions.ExpiryBuffer" },
        { new TokenCacheOptions { RefreshAheadAt = 0 }, "TokenCacheOptions.RefreshAheadAt" },
        { new TokenCacheOptions { RefreshAheadAt = 1.5 }, "TokenCacheOptions.RefreshAheadAt" },
        { new TokenCacheOptions { RefreshAheadAt = double.NaN }, "TokenCacheOptions.RefreshAheadAt" },
        { new TokenCacheOptions { MaxEntries = 0 }, "TokenCacheOptions.MaxEntries" },
        { new TokenCacheOptions { SharedRequestTimeout = TimeSpan.Zero }, "TokenCacheOptions.SharedRequestTimeout" },
        { new TokenCacheOptions { SharedRequestTimeout = TimeSpan.FromHours(2) }, "TokenCacheOptions.SharedRequestTimeout" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void An_invalid_option_is_rejected_when_the_cache_is_created_naming_the_option(TokenCacheOptions options, string setting)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new TokenCache(options));

        Assert.Equal(setting, error.Setting);
        Assert.StartsWith(setting, error.Message);
    }

    public static TheoryData<TokenCacheOptions, string> InvalidOptionMessages => new()
    {
        { new TokenCacheOptions { ExpiryBuffer = TimeSpan.FromSeconds(-1) }, "TokenCacheOptions.ExpiryBuffer must be zero or positive; it was -00:00:01." },
        { new TokenCacheOptions { RefreshAheadAt = 2 }, "TokenCacheOptions.RefreshAheadAt must be greater than 0 and at most 1 (a fraction of the token lifetime, 0.5 = half-life); it was 2." },
        { new TokenCacheOptions { MaxEntries = 0 }, "TokenCacheOptions.MaxEntries must be at least 1; it was 0." },
        { new TokenCacheOptions { SharedRequestTimeout = TimeSpan.FromHours(2) }, "TokenCacheOptions.SharedRequestTimeout must be positive and at most 01:00:00; it was 02:00:00." },
    };

    [Theory]
    [MemberData(nameof(InvalidOptionMessages))]
    public void An_invalid_option_is_rejected_saying_what_is_allowed_and_what_was_given(TokenCacheOptions options, string message)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new TokenCache(options));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void An_expiry_buffer_of_zero_is_accepted()
    {
        var cache = new TokenCache(new TokenCacheOptions { ExpiryBuffer = TimeSpan.Zero });

        Assert.Equal(TimeSpan.Zero, cache.Options.ExpiryBuffer);
    }
}
