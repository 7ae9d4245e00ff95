using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ClientCredentials.Protocol.Tests.Infrastructure;

namespace ClientCredentials.Protocol.Tests.Cache;

/// <summary>
/// Narrow windows between two steps of the cache, opened deterministically: the library's own counters run listener
/// code synchronously at a known step, and a faulted task left behind is found by the finalizer. Process-wide, so
/// these run alone.
/// </summary>
[Collection(ProcessWideMeasurements.Name)]
public class TokenCacheRaceWindowTests
{
    [Fact]
    public async Task A_miss_that_finds_a_token_stored_just_before_its_shared_request_began_returns_it_without_a_request()
    {
        var context = new CacheTestContext();
        var thread = Environment.CurrentManagedThreadId;
        var storedInTheWindow = false;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ClientCredentialsTelemetry.Name && instrument.Name == ClientCredentialsTelemetry.CacheMisses)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };

        // Between this miss and the start of its shared request, another request for the key completes and stores its token.
        listener.SetMeasurementEventCallback<long>((_, _, _, _) =>
        {
            if (Environment.CurrentManagedThreadId == thread && !storedInTheWindow)
            {
                storedInTheWindow = true;
                Assert.True(context.Get().IsCompletedSuccessfully);
            }
        });
        listener.Start();

        var token = await context.Get().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(storedInTheWindow);
        Assert.Equal(FakeTokenAcquirer.TokenText(1), token.Token);
        Assert.Equal(1, context.Acquirer.Calls);
        Assert.Equal(0, context.Cache.InFlightCount);
    }

    [Fact]
    public async Task An_acquisition_abandoned_at_the_shared_timeout_that_fails_later_leaves_no_unobserved_exception()
    {
        var failure = new InvalidOperationException("The abandoned acquisition failed after its waiters gave up.");
        var unobserved = new ConcurrentQueue<Exception>();
        void Record(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            if (e.Exception.InnerExceptions.Any(inner => ReferenceEquals(inner, failure)))
            {
                unobserved.Enqueue(e.Exception);
            }
        }

        TaskScheduler.UnobservedTaskException += Record;
        try
        {
            await AbandonAnAcquisitionThatFailsLaterAsync(failure);
            for (var i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= Record;
        }

        Assert.Empty(unobserved);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task AbandonAnAcquisitionThatFailsLaterAsync(Exception failure)
    {
        var time = new TestClock();
        var cache = new TokenCache(new TokenCacheOptions { SharedRequestTimeout = TimeSpan.FromSeconds(5) }, time);
        var acquisition = new TaskCompletionSource<AccessToken>();

        var waiting = cache.GetTokenAsync(TestKeys.Graph(), new TaskAcquirer(acquisition.Task), forceRefresh: false, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<TokenRequestTimeoutException>(() => waiting);
        acquisition.SetException(failure);
    }

    private sealed class TaskAcquirer(Task<AccessToken> result) : ITokenAcquirer
    {
        public ValueTask<AccessToken> AcquireAsync(TokenCacheKey key, CancellationToken cancellationToken) => new(result);
    }
}
