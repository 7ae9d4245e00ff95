using System.Collections.Concurrent;

namespace ClientCredentials.Emulator.Tokens;

/// <summary>
/// Remembers each accepted assertion's <c>jti</c> until the assertion expires, so none is accepted twice
/// (RFC 7523 §3 item 7). Entries are purged lazily, at most once a minute.
/// </summary>
internal sealed class AssertionReplayCache(TimeProvider timeProvider)
{
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<(string ClientId, string JwtId), DateTimeOffset> _seen = new();
    private long _nextPurgeTicks;

    /// <summary>Records the jti; false when it was already recorded and has not expired.</summary>
    public bool TryConsume(string clientId, string jwtId, DateTimeOffset rememberUntil)
    {
        var now = timeProvider.GetUtcNow();
        PurgeExpired(now);
        var key = (clientId.ToLowerInvariant(), jwtId);
        while (true)
        {
            if (_seen.TryAdd(key, rememberUntil))
            {
                return true;
            }

            if (_seen.TryGetValue(key, out var until) && until > now)
            {
                return false;
            }

            // The earlier entry expired: replace it only if no one else did meanwhile.
            if (_seen.TryUpdate(key, rememberUntil, until))
            {
                return true;
            }
        }
    }

    private void PurgeExpired(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextPurgeTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextPurgeTicks, now.UtcTicks + PurgeInterval.Ticks, due) != due)
        {
            return;
        }

        foreach (var entry in _seen)
        {
            if (entry.Value <= now)
            {
                _seen.TryRemove(entry);
            }
        }
    }
}
