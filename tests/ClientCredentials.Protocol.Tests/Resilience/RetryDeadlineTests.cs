using System.Net;
using ClientCredentials.Protocol.Testing;
using Polly;

namespace ClientCredentials.Protocol.Tests.Resilience;

/// <summary>
/// The retry rules of spec/protocol.md §7.1 that need no server: the backoff formula, and that a retry whose wait would
/// reach the overall deadline is not made, so the caller gets the real failure at once instead of a timeout.
/// </summary>
public class RetryDeadlineTests
{
    private static TokenEndpointException ServerError(HttpStatusCode status, TimeSpan? retryAfter = null) =>
        new(new TokenEndpointError { StatusCode = status, Error = "server_error", RetryAfter = retryAfter });

    /// <summary>Runs the pipeline over attempts that fail with <paramref name="failure"/>; returns what surfaced and how many attempts ran.</summary>
    private static async Task<(Exception Failure, int Attempts)> RunAsync(TokenRequestResilienceOptions options, Func<Exception> failure)
    {
        var pipeline = TokenRequestPipeline.Build(options, TimeProvider.System);
        var context = ResilienceContextPool.Shared.Get(CancellationToken.None);
        context.Properties.Set(TokenRequestPipeline.Deadline, TimeProvider.System.GetUtcNow() + options.TotalTimeout);
        var attempts = 0;
        try
        {
            await pipeline.ExecuteAsync<AccessToken, int>((_, _) => { attempts++; throw failure(); }, context, 0);
            throw new InvalidOperationException("The pipeline returned a token.");
        }
        catch (Exception ex) when (ex is not InvalidOperationException)
        {
            return (ex, attempts);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    [Fact]
    public async Task A_backoff_that_would_pass_the_deadline_is_not_waited_and_the_server_error_surfaces()
    {
        // Deadline 1 s. The first retry waits 0.48–0.72 s; the second would wait 0.96–1.44 s more, past the deadline, so
        // the second 500 is reported at once instead of a timeout at 1 s.
        var options = new TokenRequestResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(1), TotalTimeout = TimeSpan.FromSeconds(1), RetryBaseDelay = TimeSpan.FromMilliseconds(600), MaxRetryAfterWait = TimeSpan.Zero };
        var (failure, attempts) = await RunAsync(options, () => ServerError(HttpStatusCode.InternalServerError));

        var error = Assert.IsType<TokenEndpointException>(failure);
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task A_short_retry_after_that_would_pass_the_deadline_is_not_waited_and_the_429_surfaces_with_its_wait()
    {
        var options = new TokenRequestResilienceOptions { AttemptTimeout = TimeSpan.FromMilliseconds(500), TotalTimeout = TimeSpan.FromMilliseconds(1500), MaxRetryAfterWait = TimeSpan.FromSeconds(1.4), RetryBaseDelay = TimeSpan.FromMilliseconds(200) };
        var calls = 0;
        var (failure, attempts) = await RunAsync(options, () => ++calls == 1
            ? new TokenEndpointUnreachableException(new Uri("https://login.example/t"), "id", timedOut: false, "refused", null)
            : ServerError(HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(1.4)));

        // Attempt 1 fails at once and is retried after 160–240 ms; attempt 2's 1.4 s wait would end after the 1.5 s deadline.
        var error = Assert.IsType<TokenEndpointException>(failure);
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1.4), error.RetryAfter);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task A_retry_after_wait_that_would_end_exactly_at_the_deadline_is_not_waited_and_the_503_surfaces_at_once()
    {
        // Deadline 3 s. The first attempt takes 1 s and is answered 503 with Retry-After: 2, a wait that would end at
        // 3 s, exactly the deadline: no retry, the caller gets the 503 with its wait, and no timer is started.
        var clock = new TestClock();
        var options = new TokenRequestResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(3), TotalTimeout = TimeSpan.FromSeconds(3), MaxRetryAfterWait = TimeSpan.FromSeconds(2) };
        var pipeline = TokenRequestPipeline.Build(options, clock);
        var context = ResilienceContextPool.Shared.Get(CancellationToken.None);
        context.Properties.Set(TokenRequestPipeline.Deadline, clock.GetUtcNow() + options.TotalTimeout);
        var attempts = 0;
        try
        {
            var run = pipeline.ExecuteAsync<AccessToken, int>(
                (_, _) =>
                {
                    attempts++;
                    clock.Advance(TimeSpan.FromSeconds(1));
                    throw ServerError(HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(2));
                },
                context,
                0).AsTask();

            // Had a retry been planned, this would let its wait end and the retry run.
            clock.Advance(TimeSpan.FromSeconds(2));
            var error = await Assert.ThrowsAsync<TokenEndpointException>(() => run);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(2), error.RetryAfter);
            Assert.Equal(1, attempts);
            Assert.Empty(clock.RequestedDueTimes);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    [Fact]
    public async Task Retries_within_the_deadline_still_run_up_to_max_retries()
    {
        var options = new TokenRequestResilienceOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(1), MaxRetries = 3 };
        var (failure, attempts) = await RunAsync(options, () => ServerError(HttpStatusCode.BadGateway));

        Assert.Equal(HttpStatusCode.BadGateway, Assert.IsType<TokenEndpointException>(failure).StatusCode);
        Assert.Equal(4, attempts);
    }

    [Theory]
    [InlineData(0, 0.0, 400)]
    [InlineData(0, 0.5, 500)]
    [InlineData(0, 0.999999, 600)]
    [InlineData(1, 0.5, 1000)]
    [InlineData(2, 0.0, 1600)]
    [InlineData(3, 0.5, 4000)]
    public void The_nth_retry_waits_base_times_two_to_the_n_minus_one_jittered_by_twenty_percent(int attempt, double random, int milliseconds)
    {
        var delay = TokenRequestPipeline.Backoff(attempt, TimeSpan.FromMilliseconds(500), random);
        Assert.Equal(milliseconds, delay.TotalMilliseconds, precision: 0);
    }
}
