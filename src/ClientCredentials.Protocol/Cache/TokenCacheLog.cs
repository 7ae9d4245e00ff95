using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol;

/// <summary>The cache's log messages. Tokens appear only as <see cref="TokenFingerprint"/>s.</summary>
internal static partial class TokenCacheLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Background refresh of the token for {CacheKey} failed (transient: {IsTransient}); the cached token {TokenFingerprint} stays in use until {FreshUntil:u} and the refresh is retried after {RetryAt:u}.")]
    public static partial void BackgroundRefreshFailed(ILogger logger, Exception exception, TokenCacheKey cacheKey, bool isTransient, string tokenFingerprint, DateTimeOffset freshUntil, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "The token endpoint failed transiently for {CacheKey}; serving the cached token {TokenFingerprint} with extended lifetime (expires {ExpiresOn:u}, extended until {ExtendedExpiresOn:u}).")]
    public static partial void ServingExtendedLifetime(ILogger logger, Exception exception, TokenCacheKey cacheKey, string tokenFingerprint, DateTimeOffset expiresOn, DateTimeOffset? extendedExpiresOn);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "The shared token request for {CacheKey} did not complete within {Timeout}; it was cancelled and its waiters failed.")]
    public static partial void SharedRequestTimedOut(ILogger logger, TokenCacheKey cacheKey, TimeSpan timeout);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug,
        Message = "Token cache over its limit of {MaxEntries}: removed {ExpiredCount} expired and {LeastRecentlyUsedCount} least recently used token(s).")]
    public static partial void Evicted(ILogger logger, int maxEntries, int expiredCount, int leastRecentlyUsedCount);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Debug,
        Message = "The identity provider returned a token for {CacheKey} that is already inside its expiry buffer ({TokenFingerprint}, expires {ExpiresOn:u}); it was returned but not cached.")]
    public static partial void NotCachedAlreadyExpiring(ILogger logger, TokenCacheKey cacheKey, string tokenFingerprint, DateTimeOffset expiresOn);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning,
        Message = "The second cache level failed to {Operation} the token for {CacheKey}; the token comes from memory or the token endpoint instead.")]
    public static partial void SecondLevelFailed(ILogger logger, Exception exception, TokenCacheKey cacheKey, string operation);
}
