using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ClientCredentials.Protocol;

/// <summary>
/// The Polly v8 pipeline around managed identity attempts: an overall deadline, retries by the IMDS rules of
/// <see cref="ManagedIdentityResilienceOptions"/>, then a per-attempt timeout. Built once per credential.
/// </summary>
internal static class ManagedIdentityPipeline
{
    public static ResiliencePipeline<AccessToken> Build(ManagedIdentityResilienceOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<AccessToken> { TimeProvider = timeProvider };
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.TotalTimeout });
        var attempts = Math.Max(options.MaxRetries, options.MaxGoneRetries);
        if (attempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<AccessToken>
            {
                MaxRetryAttempts = attempts,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome.Exception, args.AttemptNumber, options)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(args.Outcome.Exception, args.AttemptNumber, options)),
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.AttemptTimeout });
        return builder.Build();
    }

    /// <summary>Whether attempt <paramref name="attemptNumber"/> (0-based) that failed with <paramref name="exception"/> is retried.</summary>
    internal static bool ShouldRetry(Exception? exception, int attemptNumber, ManagedIdentityResilienceOptions options) => exception switch
    {
        TokenEndpointException { StatusCode: HttpStatusCode.Gone } => attemptNumber < options.MaxGoneRetries,
        TokenEndpointException error => IsRetriedStatus(error.StatusCode) && attemptNumber < options.MaxRetries,
        TimeoutRejectedException or TokenEndpointUnreachableException => attemptNumber < options.MaxRetries,
        _ => false,
    };

    /// <summary>404 (identity being assigned / IMDS updating), 408, 429 and every 5xx.</summary>
    internal static bool IsRetriedStatus(HttpStatusCode status) =>
        status is HttpStatusCode.NotFound or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status is >= 500 and <= 599;

    /// <summary>410: the fixed 10 s; a <c>Retry-After</c> up to the longest backoff; otherwise base × 2^attempt, capped.</summary>
    internal static TimeSpan Delay(Exception? exception, int attemptNumber, ManagedIdentityResilienceOptions options)
    {
        if (exception is TokenEndpointException { StatusCode: HttpStatusCode.Gone })
        {
            return options.GoneRetryDelay;
        }

        if (exception is TokenEndpointException { RetryAfter: { } retryAfter })
        {
            return retryAfter < options.MaxRetryDelay ? retryAfter : options.MaxRetryDelay;
        }

        var factor = Math.Pow(2, Math.Min(attemptNumber, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(options.RetryBaseDelay.Ticks * factor, options.MaxRetryDelay.Ticks));
        return delay;
    }
}
