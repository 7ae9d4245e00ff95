using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol.Caching.Diagnostics;

/// <summary>The distributed cache's log messages: store keys appear only as their hash, tokens only as a fingerprint.</summary>
internal static partial class DistributedTokenCacheLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning,
        Message = "The distributed token cache found an unusable value under key hash {KeyHash} ({Reason}); it was treated as a miss. NotDecryptable after a deployment usually means the instances do not share one Data Protection key ring.")]
    public static partial void UnusableValue(ILogger logger, string keyHash, Format.StoredTokenReadOutcome reason);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning,
        Message = "The distributed token cache's store failed or timed out on half of its recent calls; its circuit is open for {BreakDuration}: tokens come from memory and the token endpoint meanwhile.")]
    public static partial void CircuitOpened(ILogger logger, Exception? exception, TimeSpan breakDuration);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information,
        Message = "The distributed token cache's store answers again; its circuit is closed.")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Debug,
        Message = "A distributed token cache call ({Operation}) failed or timed out; treated as a miss.")]
    public static partial void CallFailed(ILogger logger, Exception exception, string operation);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Debug,
        Message = "Another instance holds the lease on key hash {KeyHash}; waiting up to {Wait} for the token it stores.")]
    public static partial void WaitingForLeaseHolder(ILogger logger, string keyHash, TimeSpan wait);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information,
        Message = "No token appeared under key hash {KeyHash} within {Wait} while another instance held the lease; asking the token endpoint.")]
    public static partial void LeaseWaitEnded(ILogger logger, string keyHash, TimeSpan wait);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Debug,
        Message = "Stored token {TokenFingerprint} under key hash {KeyHash} until {FreshUntil:u}.")]
    public static partial void Stored(ILogger logger, string tokenFingerprint, string keyHash, DateTimeOffset freshUntil);
}
