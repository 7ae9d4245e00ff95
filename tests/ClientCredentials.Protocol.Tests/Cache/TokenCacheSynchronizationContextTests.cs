namespace ClientCredentials.Protocol.Tests.Cache;

/// <summary>
/// The cache never resumes on the caller's <see cref="SynchronizationContext"/> (a UI thread, classic ASP.NET): every
/// continuation it schedules runs on the thread pool, so a caller that blocks on the result cannot deadlock it. Each
/// test starts an operation inside a context that counts what is posted to it, then completes the pending work
/// outside that context.
/// </summary>
public class TokenCacheSynchronizationContextTests
{
    [Fact]
    public async Task A_miss_waiting_for_the_token_endpoint_does_not_resume_on_the_callers_context()
    {
        var (acquirer, _, cache) = Create(secondLevel: false);
        var caller = new CountingSynchronizationContext();
        acquirer.Pending = new TaskCompletionSource<AccessToken>();

        var token = caller.Run(() => cache.GetTokenAsync(TestKeys.Graph(), acquirer, false, CancellationToken.None).AsTask());
        acquirer.Pending.SetResult(acquirer.Issue(TestKeys.Graph()));

        Assert.Equal("token-1", (await token).Token);
        Assert.Equal(0, caller.Posts);
    }

    [Fact]
    public async Task A_miss_waiting_for_the_second_level_does_not_resume_on_the_callers_context()
    {
        var (acquirer, level, cache) = Create(secondLevel: true);
        var caller = new CountingSynchronizationContext();
        level.Read = new TaskCompletionSource<TokenCacheSecondLevelEntry?>();

        var token = caller.Run(() => cache.GetTokenAsync(TestKeys.Graph(), acquirer, false, CancellationToken.None).AsTask());
        level.Read.SetResult(null);

        Assert.Equal("token-1", (await token).Token);
        Assert.Equal(0, caller.Posts);
    }

    [Fact]
    public async Task A_background_refresh_started_by_a_hit_does_not_resume_on_the_callers_context()
    {
        var (acquirer, _, cache) = Create(secondLevel: false);
        var key = TestKeys.Graph();
        var first = await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        acquirer.Time.SetUtcNow(first.RefreshOn!.Value);
        var caller = new CountingSynchronizationContext();
        acquirer.Pending = new TaskCompletionSource<AccessToken>();

        var hit = caller.Run(() => cache.GetTokenAsync(key, acquirer, false, CancellationToken.None));
        await acquirer.Called(2).WaitAsync(TimeSpan.FromSeconds(10));
        acquirer.Pending.SetResult(acquirer.Issue(key));
        await cache.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(hit.IsCompletedSuccessfully);
        Assert.Equal("token-2", (await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None)).Token);
        Assert.Equal(0, caller.Posts);
    }

    [Fact]
    public async Task Writing_a_new_token_to_the_second_level_does_not_resume_on_the_callers_context()
    {
        var (acquirer, level, cache) = Create(secondLevel: true);
        var caller = new CountingSynchronizationContext();
        level.Write = new TaskCompletionSource();

        var token = caller.Run(() => cache.GetTokenAsync(TestKeys.Graph(), acquirer, false, CancellationToken.None).AsTask());
        level.Write.SetResult();

        Assert.Equal("token-1", (await token).Token);
        Assert.Equal(0, caller.Posts);
    }

    [Fact]
    public async Task Telling_the_second_level_about_a_failed_request_does_not_resume_on_the_callers_context()
    {
        var (acquirer, level, cache) = Create(secondLevel: true);
        var caller = new CountingSynchronizationContext();
        level.Notice = new TaskCompletionSource();
        acquirer.Failure = Failures.InvalidClient();

        var token = caller.Run(() => cache.GetTokenAsync(TestKeys.Graph(), acquirer, false, CancellationToken.None).AsTask());
        level.Notice.SetResult();

        await Assert.ThrowsAsync<TokenEndpointException>(() => token);
        Assert.Equal(0, caller.Posts);
    }

    [Fact]
    public async Task Removing_a_rejected_token_from_the_second_level_does_not_resume_on_the_callers_context()
    {
        var (acquirer, level, cache) = Create(secondLevel: true);
        var key = TestKeys.Graph();
        var token = await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        var caller = new CountingSynchronizationContext();
        level.Remove = new TaskCompletionSource();

        Assert.True(caller.Run(() => cache.Invalidate(key, token)));
        level.Remove.SetResult();

        Assert.Equal(0, caller.Posts);
    }

    private static (ImmediateAcquirer Acquirer, PendingSecondLevel Level, TokenCache Cache) Create(bool secondLevel)
    {
        var time = new TestClock();
        var level = new PendingSecondLevel();
        return (new ImmediateAcquirer(time), level, new TokenCache(null, time, null, secondLevel ? level : null));
    }

    /// <summary>Counts the continuations posted to it and runs them on the thread pool.</summary>
    private sealed class CountingSynchronizationContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            ThreadPool.QueueUserWorkItem(_ => d(state));
        }

        public override void Send(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            d(state);
        }

        /// <summary>Runs <paramref name="start"/> with this as the current context, as a UI thread would.</summary>
        public T Run<T>(Func<T> start)
        {
            var previous = Current;
            SetSynchronizationContext(this);
            try
            {
                return start();
            }
            finally
            {
                SetSynchronizationContext(previous);
            }
        }
    }

    /// <summary>
    /// An acquirer without awaits of its own (so it posts nothing itself): answers at once with <c>token-N</c>, fails
    /// with <see cref="Failure"/>, or hands back <see cref="Pending"/> for the test to complete.
    /// </summary>
    private sealed class ImmediateAcquirer(TestClock time) : ITokenAcquirer
    {
        private readonly TaskCompletionSource[] _called = [.. Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
        private int _calls;
        private int _issued;

        public TestClock Time => time;

        public TaskCompletionSource<AccessToken>? Pending { get; set; }

        public Exception? Failure { get; set; }

        public Task Called(int count) => _called[count - 1].Task;

        public AccessToken Issue(TokenCacheKey key)
        {
            var number = Interlocked.Increment(ref _issued);
            return new AccessToken($"token-{number}", "Bearer", time.GetUtcNow().AddHours(1), null, null, key.Scopes, null, TokenSource.IdentityProvider);
        }

        public ValueTask<AccessToken> AcquireAsync(TokenCacheKey key, CancellationToken cancellationToken)
        {
            _called[Interlocked.Increment(ref _calls) - 1].TrySetResult();
            if (Failure is { } failure)
            {
                return ValueTask.FromException<AccessToken>(failure);
            }

            return Pending is { } pending ? new(pending.Task) : new(Issue(key));
        }
    }

    /// <summary>A second level without awaits of its own: each operation answers at once unless the test set a pending one.</summary>
    private sealed class PendingSecondLevel : ITokenCacheSecondLevel
    {
        public TaskCompletionSource<TokenCacheSecondLevelEntry?>? Read { get; set; }

        public TaskCompletionSource? Write { get; set; }

        public TaskCompletionSource? Notice { get; set; }

        public TaskCompletionSource? Remove { get; set; }

        public ValueTask<TokenCacheSecondLevelEntry?> TryGetAsync(TokenCacheKey key, CancellationToken cancellationToken) =>
            Read is { } read ? new(read.Task) : new((TokenCacheSecondLevelEntry?)null);

        public ValueTask SetAsync(TokenCacheKey key, AccessToken token, DateTimeOffset freshUntil, CancellationToken cancellationToken) =>
            Write is { } write ? new(write.Task) : ValueTask.CompletedTask;

        public ValueTask AcquisitionFailedAsync(TokenCacheKey key, CancellationToken cancellationToken) =>
            Notice is { } notice ? new(notice.Task) : ValueTask.CompletedTask;

        public ValueTask RemoveAsync(TokenCacheKey key, AccessToken rejected, CancellationToken cancellationToken) =>
            Remove is { } remove ? new(remove.Task) : ValueTask.CompletedTask;
    }
}
