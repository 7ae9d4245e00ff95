using ClientCredentials.Protocol.Tests.Infrastructure;

namespace ClientCredentials.Protocol.Tests.Cache;

/// <summary>A cache on a manual clock with a fake acquirer and a recording logger.</summary>
internal sealed class CacheTestContext
{
    public CacheTestContext(TokenCacheOptions? options = null)
    {
        Time = new TestClock();
        Acquirer = new FakeTokenAcquirer(Time);
        Logger = new RecordingLogger();
        Cache = new TokenCache(options, Time, Logger);
    }

    public TestClock Time { get; }

    public FakeTokenAcquirer Acquirer { get; }

    public RecordingLogger Logger { get; }

    public TokenCache Cache { get; }

    public TokenCacheKey Key { get; } = TestKeys.Graph();

    public ValueTask<AccessToken> Get(bool forceRefresh = false, CancellationToken cancellationToken = default) =>
        Cache.GetTokenAsync(Key, Acquirer, forceRefresh, cancellationToken);

    public ValueTask<AccessToken> Get(TokenCacheKey key, bool forceRefresh = false, CancellationToken cancellationToken = default) =>
        Cache.GetTokenAsync(key, Acquirer, forceRefresh, cancellationToken);

    /// <summary>A hit must complete synchronously; returns its token.</summary>
    public AccessToken Hit(TokenCacheKey? key = null)
    {
        var result = Cache.GetTokenAsync(key ?? Key, Acquirer, forceRefresh: false, CancellationToken.None);
        Assert.True(result.IsCompletedSuccessfully, "a cache hit completes synchronously");
        return result.Result;
    }
}
