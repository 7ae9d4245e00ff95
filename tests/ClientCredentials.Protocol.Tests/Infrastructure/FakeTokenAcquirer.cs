namespace ClientCredentials.Protocol.Tests.Infrastructure;

/// <summary>
/// A token acquirer for cache tests: counts calls, issues <c>token-1</c>, <c>token-2</c>, ... with lifetimes from
/// the manual clock, can fail, and can hold every call at a gate until the test opens it.
/// </summary>
internal sealed class FakeTokenAcquirer(TestClock time) : ITokenAcquirer
{
    private readonly SemaphoreSlim _callStarted = new(0);
    private int _calls;
    private volatile TaskCompletionSource? _gate;
    private volatile Exception? _failure;

    /// <summary>How many times <see cref="AcquireAsync"/> was called.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Lifetime of issued tokens (expires_in). Default one hour.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>When set, issued tokens carry RefreshOn = issue time + this (AAD refresh_in).</summary>
    public TimeSpan? RefreshIn { get; set; }

    /// <summary>When set, issued tokens carry ExtendedExpiresOn = issue time + this (AAD ext_expires_in).</summary>
    public TimeSpan? ExtendedLifetime { get; set; }

    /// <summary>When true, the acquirer keeps waiting at the gate even after its cancellation token fires.</summary>
    public bool IgnoresCancellation { get; set; }

    /// <summary>The cancellation tokens the cache passed, one per call.</summary>
    public List<CancellationToken> ReceivedTokens { get; } = [];

    /// <summary>The keys the cache asked for, one per call.</summary>
    public List<TokenCacheKey> ReceivedKeys { get; } = [];

    /// <summary>Runs at the start of every call, on the thread and in the execution context the cache called from.</summary>
    public Action? OnCall { get; set; }

    /// <summary>The token string the next successful call issues.</summary>
    public static string TokenText(int call) => $"token-{call}-eyJhbGciOiJSUzI1NiJ9.secret-part";

    /// <summary>Makes every following call wait until <see cref="OpenGate"/>.</summary>
    public void CloseGate() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Releases every call waiting at the gate, and lets later calls through.</summary>
    public void OpenGate() => Interlocked.Exchange(ref _gate, null)?.TrySetResult();

    /// <summary>Makes following calls throw <paramref name="failure"/> (after the gate) until <see cref="Succeed"/>.</summary>
    public void FailWith(Exception failure) => _failure = failure;

    /// <summary>Makes following calls succeed again.</summary>
    public void Succeed() => _failure = null;

    /// <summary>Waits (at most 10 s, a hang guard) until at least <paramref name="count"/> calls have started.</summary>
    public async Task WaitForCallsAsync(int count)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (Calls < count)
        {
            await _callStarted.WaitAsync(guard.Token);
        }
    }

    public async ValueTask<AccessToken> AcquireAsync(TokenCacheKey key, CancellationToken cancellationToken)
    {
        int call;
        lock (ReceivedTokens)
        {
            call = ++_calls;
            ReceivedTokens.Add(cancellationToken);
            ReceivedKeys.Add(key);
        }

        OnCall?.Invoke();
        _callStarted.Release();
        var gate = _gate;
        if (gate is not null)
        {
            await (IgnoresCancellation ? gate.Task : gate.Task.WaitAsync(cancellationToken));
        }

        if (_failure is { } failure)
        {
            throw failure;
        }

        var now = time.GetUtcNow();
        return new AccessToken(
            TokenText(call),
            "Bearer",
            now + Lifetime,
            RefreshIn is { } refreshIn ? now + refreshIn : null,
            ExtendedLifetime is { } extended ? now + extended : null,
            key.Scopes,
            $"correlation-{call}",
            TokenSource.IdentityProvider);
    }
}
