using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ClientCredentials.Protocol;

/// <summary>
/// Builds the Polly v8 pipeline that runs token request attempts: an overall deadline, then retries of transient
/// failures with exponential backoff and jitter, then a per-attempt timeout. 429/503 with a short
/// <c>Retry-After</c> are waited for and retried once; a long one fails at once. Other 4xx are never retried, nor
/// is 429 without <c>Retry-After</c> (as MSAL). Built once per client.
/// </summary>
internal static class TokenRequestPipeline
{
    private static readonly ResiliencePropertyKey<bool> RetryAfterHonoured = new("clientcredentials.retry-after-honoured");

    public static ResiliencePipeline<AccessToken> Build(TokenRequestResilienceOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<AccessToken> { TimeProvider = timeProvider };
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.TotalTimeout });
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<AccessToken>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome.Exception, args.Context, options)),
                DelayGenerator = args =>
                {
                    if (RetryAfterOf(args.Outcome.Exception) is { } wait)
                    {
                        args.Context.Properties.Set(RetryAfterHonoured, true);
                        return ValueTask.FromResult<TimeSpan?>(wait);
                    }

                    return ValueTask.FromResult<TimeSpan?>(null);
                },
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.AttemptTimeout });
        return builder.Build();
    }

    /// <summary>
    /// Network failures and attempt timeouts; a server wait only when short enough and not yet honoured in this call;
    /// otherwise every transient error except 429, which MSAL and AAD treat as "back off", never "try again now".
    /// </summary>
    private static bool ShouldRetry(Exception? exception, ResilienceContext context, TokenRequestResilienceOptions options) => exception switch
    {
        TimeoutRejectedException => true,
        TokenEndpointUnreachableException => true,
        TokenEndpointException error when RetryAfterOf(error) is { } wait =>
            wait <= options.MaxRetryAfterWait && !context.Properties.GetValue(RetryAfterHonoured, false),
        TokenEndpointException error => error.IsTransient && error.StatusCode != HttpStatusCode.TooManyRequests,
        _ => false,
    };

    private static TimeSpan? RetryAfterOf(Exception? exception) =>
        exception is TokenEndpointException error ? error.Details.ServerRequestedWait : null;
}
