using System.Collections.Concurrent;

namespace ClientCredentials.Protocol;

/// <summary>
/// Client-side throttling per cache key: after the server answered with <c>Retry-After</c> (capped) or AADSTS50196
/// ("loop detected"), calls for that key make no network request until the window passes; they fail with
/// <see cref="TokenRequestThrottledException"/>, which the cache answers with a still-valid token when it has one.
/// Entries are dropped when their window has passed, so the gate stays small.
/// </summary>
internal sealed class ThrottleGate
{
    private readonly ConcurrentDictionary<TokenCacheKey, Window> _windows = new();
    private readonly TokenRequestResilienceOptions _options;
    private readonly TimeProvider _timeProvider;

    public ThrottleGate(TokenRequestResilienceOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>The windows held: those not yet passed, and passed ones until the next call for their key or the next window.</summary>
    internal int WindowCount => _windows.Count;

    /// <summary>Throws when <paramref name="key"/> is inside a throttling window.</summary>
    public void ThrowIfThrottled(TokenCacheKey key)
    {
        if (_windows.IsEmpty || !_windows.TryGetValue(key, out var window))
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        if (now >= window.Until)
        {
            _windows.TryRemove(new KeyValuePair<TokenCacheKey, Window>(key, window));
            return;
        }

        ClientCredentialsTelemetry.ThrottledCounter.Add(1);
        throw new TokenRequestThrottledException(window.Until, window.Until - now, window.Cause);
    }

    /// <summary>Opens a window when the failure asks for one.</summary>
    public void Observe(TokenCacheKey key, Exception failure)
    {
        if (failure is not TokenEndpointException error)
        {
            return;
        }

        TimeSpan? wait = error.Details.ServerRequestedWait ?? (error.Details.IsLoopDetected ? _options.LoopDetectedWindow : null);
        if (wait is not { } duration || duration <= TimeSpan.Zero)
        {
            return;
        }

        // Stryker disable once Equality : at equality the clamp assigns the value it already has
        if (duration > _options.MaxThrottleWindow)
        {
            duration = _options.MaxThrottleWindow;
        }

        var now = _timeProvider.GetUtcNow();
        foreach (var entry in _windows)
        {
            if (entry.Value.Until <= now)
            {
                _windows.TryRemove(entry);
            }
        }

        _windows[key] = new Window(now + duration, error);
    }

    private sealed record Window(DateTimeOffset Until, TokenEndpointException Cause);
}
