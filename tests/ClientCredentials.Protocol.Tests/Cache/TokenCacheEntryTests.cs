namespace ClientCredentials.Protocol.Tests.Cache;

/// <summary>
/// One cached entry on its own: it is the token a hit returns, its refresh point admits one background refresh at
/// a time, and its usable window follows <c>expires_in</c> or, when enabled, <c>ext_expires_in</c>.
/// </summary>
public class TokenCacheEntryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_entry_is_the_token_from_the_cache_with_the_refresh_point_filled_in()
    {
        var acquired = Token(refreshOn: null, extendedExpiresOn: null);

        var entry = TokenCacheEntry.Create(acquired, Now, new TokenCacheOptions { RefreshAheadAt = 0.5 }, out var returned);

        Assert.Equal(TokenSource.Cache, entry.Token.Source);
        Assert.Equal(TokenSource.IdentityProvider, returned.Source);
        Assert.Equal((acquired.Token, acquired.ExpiresOn), (entry.Token.Token, entry.Token.ExpiresOn));
        Assert.Equal(Now.AddMinutes(30), returned.RefreshOn);
        Assert.Equal(Now.AddMinutes(30), entry.Token.RefreshOn);
    }

    [Fact]
    public void The_refresh_point_admits_one_refresh_then_a_failed_one_postpones_the_next()
    {
        var entry = Entry(refreshOn: Now.AddMinutes(45));

        Assert.False(entry.TryBeginRefresh(Now.AddMinutes(44).UtcTicks));
        Assert.True(entry.TryBeginRefresh(Now.AddMinutes(45).UtcTicks));
        Assert.False(entry.TryBeginRefresh(Now.AddMinutes(46).UtcTicks));

        entry.EndUnsuccessfulRefresh(Now.AddMinutes(47).UtcTicks);

        Assert.False(entry.TryBeginRefresh(Now.AddMinutes(46).UtcTicks));
        Assert.True(entry.TryBeginRefresh(Now.AddMinutes(47).UtcTicks));
        Assert.False(entry.TryBeginRefresh(Now.AddMinutes(47).UtcTicks));
    }

    [Fact]
    public async Task Many_threads_past_the_refresh_point_start_exactly_one_refresh()
    {
        var entry = Entry(refreshOn: Now.AddMinutes(45));
        var at = Now.AddMinutes(50).UtcTicks;
        using var start = new Barrier(8);

        var wins = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            var won = 0;
            for (var i = 0; i < 1_000; i++)
            {
                won += entry.TryBeginRefresh(at) ? 1 : 0;
            }

            return won;
        })));

        Assert.Equal(1, wins.Sum());
    }

    [Fact]
    public void Usable_until_expiry_or_until_the_extended_expiry_when_enabled()
    {
        var entry = TokenCacheEntry.Create(Token(refreshOn: null, extendedExpiresOn: Now.AddHours(2)), Now, new TokenCacheOptions(), out _);
        var beforeExpiry = Now.AddMinutes(59).UtcTicks;
        var afterExpiry = Now.AddMinutes(61).UtcTicks;
        var afterExtended = Now.AddHours(2).UtcTicks;

        Assert.True(entry.IsUsable(beforeExpiry, useExtendedLifetime: false));
        Assert.False(entry.IsUsable(afterExpiry, useExtendedLifetime: false));
        Assert.True(entry.IsUsable(afterExpiry, useExtendedLifetime: true));
        Assert.False(entry.IsUsable(afterExtended, useExtendedLifetime: true));
    }

    [Fact]
    public void A_cached_token_shows_serializers_the_same_public_properties_as_a_fresh_one()
    {
        var fresh = Token(refreshOn: Now.AddMinutes(30), extendedExpiresOn: Now.AddHours(2));
        var cached = TokenCacheEntry.Create(fresh, Now, new TokenCacheOptions(), out _).Token;

        // As a logger or serializer sees an object: by its runtime type.
        var freshJson = System.Text.Json.JsonSerializer.Serialize<object>(fresh);
        var cachedJson = System.Text.Json.JsonSerializer.Serialize<object>(cached);

        Assert.Equal(freshJson.Replace("\"Source\":0", "\"Source\":1"), cachedJson);
    }

    [Fact]
    public void A_token_that_already_has_its_refresh_point_is_returned_as_it_came()
    {
        var acquired = Token(refreshOn: Now.AddMinutes(40), extendedExpiresOn: null);

        var entry = TokenCacheEntry.Create(acquired, Now, new TokenCacheOptions(), out var returned);

        Assert.Same(acquired, returned);
        Assert.Equal(Now.AddMinutes(40), entry.Token.RefreshOn);
    }

    [Fact]
    public void A_second_level_token_is_not_served_from_memory_past_its_expiry_even_if_the_level_said_later()
    {
        var token = Token(refreshOn: Now.AddMinutes(30), extendedExpiresOn: null);

        var entry = TokenCacheEntry.FromSecondLevel(new TokenCacheSecondLevelEntry(token, Now.AddHours(2)), Now, new TokenCacheOptions(), out _);

        Assert.Equal(token.ExpiresOn.UtcTicks, entry.FreshUntilTicks);
        Assert.False(entry.IsFresh(token.ExpiresOn.UtcTicks));
    }

    [Fact]
    public void A_second_level_token_without_a_refresh_point_gets_one_from_what_is_left_of_its_lifetime()
    {
        var token = new AccessToken("shared", "Bearer", Now.AddMinutes(40), null, Now.AddHours(2), ["https://graph.microsoft.com/.default"], "l2", TokenSource.IdentityProvider)
        {
            AdditionalFields = new Dictionary<string, string> { ["resource"] = "https://graph.microsoft.com" },
            RegionalRoute = RegionalRoute.Regional,
        };

        var entry = TokenCacheEntry.FromSecondLevel(new TokenCacheSecondLevelEntry(token, Now.AddMinutes(35)), Now, new TokenCacheOptions { RefreshAheadAt = 0.75 }, out var returned);

        Assert.Equal(Now.AddMinutes(30), returned.RefreshOn);
        Assert.Equal(Now.AddMinutes(30), entry.Token.RefreshOn);
        Assert.Equal(TokenSource.DistributedCache, returned.Source);
        Assert.Equal((token.Token, token.ExpiresOn, token.ExtendedExpiresOn, token.CorrelationId), (returned.Token, returned.ExpiresOn, returned.ExtendedExpiresOn, returned.CorrelationId));
        Assert.Equal("https://graph.microsoft.com", returned.AdditionalFields["resource"]);
        Assert.Equal(RegionalRoute.Regional, returned.RegionalRoute);
        Assert.Equal(Now.AddMinutes(35).UtcTicks, entry.FreshUntilTicks);
    }

    [Fact]
    public void A_second_level_token_already_marked_as_shared_is_returned_as_it_came()
    {
        var shared = new AccessToken("shared", "Bearer", Now.AddHours(1), Now.AddMinutes(30), null, ["https://graph.microsoft.com/.default"], "l2", TokenSource.DistributedCache);
        var fromEndpoint = Token(refreshOn: Now.AddMinutes(30), extendedExpiresOn: null);

        TokenCacheEntry.FromSecondLevel(new TokenCacheSecondLevelEntry(shared, Now.AddMinutes(55)), Now, new TokenCacheOptions(), out var returnedShared);
        TokenCacheEntry.FromSecondLevel(new TokenCacheSecondLevelEntry(fromEndpoint, Now.AddMinutes(55)), Now, new TokenCacheOptions(), out var returnedMarked);

        Assert.Same(shared, returnedShared);
        Assert.Equal(TokenSource.DistributedCache, returnedMarked.Source);
        Assert.Equal((fromEndpoint.Token, fromEndpoint.RefreshOn), (returnedMarked.Token, returnedMarked.RefreshOn));
    }

    [Fact]
    public void A_hit_a_full_millisecond_after_the_last_stamp_moves_the_entry_up_for_eviction()
    {
        var entry = Entry(refreshOn: Now.AddMinutes(30));

        entry.Touch(Now.UtcTicks + TimeSpan.TicksPerMillisecond);

        Assert.Equal(Now.UtcTicks + TimeSpan.TicksPerMillisecond, entry.LastAccessTicks);
    }

    [Fact]
    public void Hits_within_a_millisecond_of_the_last_stamp_do_not_rewrite_it()
    {
        var entry = Entry(refreshOn: Now.AddMinutes(30));

        entry.Touch(Now.UtcTicks + (TimeSpan.TicksPerMillisecond / 2));

        Assert.Equal(Now.UtcTicks, entry.LastAccessTicks);
    }

    private static TokenCacheEntry Entry(DateTimeOffset refreshOn) =>
        TokenCacheEntry.Create(Token(refreshOn, extendedExpiresOn: null), Now, new TokenCacheOptions(), out _);

    private static AccessToken Token(DateTimeOffset? refreshOn, DateTimeOffset? extendedExpiresOn) =>
        new("token", "Bearer", Now.AddHours(1), refreshOn, extendedExpiresOn, ["https://graph.microsoft.com/.default"], Guid.NewGuid().ToString(), TokenSource.IdentityProvider);
}
