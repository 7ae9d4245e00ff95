using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol.Tests.Cache;

public class TokenCacheExtendedLifetimeTests
{
    [Fact]
    public async Task A_transient_failure_inside_the_buffer_serves_the_cached_token_as_extended_lifetime()
    {
        var context = new CacheTestContext();
        var first = await context.Get();
        context.Time.SetUtcNow(first.ExpiresOn - TimeSpan.FromMinutes(2));
        context.Acquirer.FailWith(Failures.Transient());

        var served = await context.Get();

        Assert.Equal(first.Token, served.Token);
        Assert.True(served.IsExtendedLifetime);
        Assert.Equal(TokenSource.Cache, served.Source);
        Assert.Equal(2, context.Acquirer.Calls);
        var warning = await context.Logger.WaitForAsync(2002);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(TokenFingerprint.Of(first.Token), warning.Message);
        Assert.DoesNotContain(first.Token, warning.Message);
    }

    [Fact]
    public async Task A_non_transient_failure_inside_the_buffer_propagates()
    {
        var context = new CacheTestContext();
        var first = await context.Get();
        context.Time.SetUtcNow(first.ExpiresOn - TimeSpan.FromMinutes(2));
        context.Acquirer.FailWith(Failures.InvalidClient());

        await Assert.ThrowsAsync<TokenEndpointException>(async () => await context.Get());
    }

    [Fact]
    public async Task A_shared_request_timeout_inside_the_buffer_also_serves_the_cached_token()
    {
        var context = new CacheTestContext(new TokenCacheOptions { SharedRequestTimeout = TimeSpan.FromSeconds(10) });
        var first = await context.Get();
        context.Time.SetUtcNow(first.ExpiresOn - TimeSpan.FromMinutes(2));
        context.Acquirer.CloseGate();

        var waiter = context.Get().AsTask();
        await context.Acquirer.WaitForCallsAsync(2);
        context.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.True((await waiter).IsExtendedLifetime);
        context.Acquirer.OpenGate();
    }

    [Fact]
    public async Task Without_extended_lifetime_a_token_past_its_expiry_is_not_served()
    {
        var context = new CacheTestContext();
        context.Acquirer.ExtendedLifetime = TimeSpan.FromHours(2);
        var first = await context.Get();
        context.Time.SetUtcNow(first.ExpiresOn);
        context.Acquirer.FailWith(Failures.Transient());

        await Assert.ThrowsAsync<TokenEndpointException>(async () => await context.Get());
    }

    [Fact]
    public async Task With_extended_lifetime_a_token_is_served_until_its_extended_expiry()
    {
        var context = new CacheTestContext(new TokenCacheOptions { UseExtendedLifetime = true });
        context.Acquirer.ExtendedLifetime = TimeSpan.FromHours(2);
        var first = await context.Get();
        context.Acquirer.FailWith(Failures.Transient());

        context.Time.SetUtcNow(first.ExtendedExpiresOn!.Value - TimeSpan.FromTicks(1));
        var served = await context.Get();
        Assert.True(served.IsExtendedLifetime);
        Assert.Equal(first.Token, served.Token);

        context.Time.SetUtcNow(first.ExtendedExpiresOn.Value);
        await Assert.ThrowsAsync<TokenEndpointException>(async () => await context.Get());
    }

    [Fact]
    public async Task With_extended_lifetime_a_non_transient_failure_still_propagates()
    {
        var context = new CacheTestContext(new TokenCacheOptions { UseExtendedLifetime = true });
        context.Acquirer.ExtendedLifetime = TimeSpan.FromHours(2);
        var first = await context.Get();
        context.Acquirer.FailWith(Failures.InvalidClient());
        context.Time.SetUtcNow(first.ExpiresOn + TimeSpan.FromMinutes(1));

        await Assert.ThrowsAsync<TokenEndpointException>(async () => await context.Get());
    }

    [Fact]
    public async Task A_forced_refresh_that_fails_transiently_does_not_fall_back_to_the_cached_token()
    {
        var context = new CacheTestContext();
        await context.Get();
        context.Acquirer.FailWith(Failures.Transient());

        await Assert.ThrowsAsync<TokenEndpointException>(async () => await context.Get(forceRefresh: true));
    }
}
