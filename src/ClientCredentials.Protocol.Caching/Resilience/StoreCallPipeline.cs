using ClientCredentials.Protocol.Caching.Diagnostics;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ClientCredentials.Protocol.Caching.Resilience;

/// <summary>
/// Runs every store call under its own short timeout and one circuit breaker (Polly v8), so that a slow or dead store
/// costs a caller at most <see cref="DistributedTokenCacheOptions.OperationTimeout"/> and, once the circuit is open,
/// nothing at all. A failed call is a miss for the caller, never an exception; the state changes are logged once each.
/// </summary>
internal sealed class StoreCallPipeline
{
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;
    private int _open;

    public StoreCallPipeline(DistributedTokenCacheOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _logger = logger;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = options.BreakDuration,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is not null and not OperationCanceledException || args.Outcome.Exception is TimeoutRejectedException),
                OnOpened = args =>
                {
                    if (Interlocked.Exchange(ref _open, 1) == 0)
                    {
                        DistributedTokenCacheTelemetry.CircuitsOpenCounter.Add(1);
                        DistributedTokenCacheLog.CircuitOpened(_logger, args.Outcome.Exception, args.BreakDuration);
                    }

                    return default;
                },
                OnClosed = _ =>
                {
                    if (Interlocked.Exchange(ref _open, 0) == 1)
                    {
                        DistributedTokenCacheTelemetry.CircuitsOpenCounter.Add(-1);
                        DistributedTokenCacheLog.CircuitClosed(_logger);
                    }

                    return default;
                },
            })
            .AddTimeout(options.OperationTimeout)
            .Build();
    }

    /// <summary>True while the circuit is open (or half-open, until a trial call succeeds).</summary>
    public bool IsOpen => Volatile.Read(ref _open) == 1;

    /// <summary>
    /// Runs <paramref name="call"/>; returns false (and <c>default</c>) when it failed, timed out or was skipped by the
    /// open circuit. Only <paramref name="cancellationToken"/> (the shared request's deadline) cancels the caller.
    /// </summary>
    public async Task<(bool Succeeded, TResult? Result)> TryAsync<TState, TResult>(string operation, Func<TState, CancellationToken, Task<TResult>> call, TState state, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _pipeline.ExecuteAsync(
                static async (context, ct) =>
                {
                    var pending = context.call(context.state, ct);
                    try
                    {
                        return await pending.WaitAsync(ct).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // The store client may ignore cancellation: let its task end unobserved-free in the background.
                        _ = pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                        throw;
                    }
                },
                (call, state),
                cancellationToken).ConfigureAwait(false);
            return (true, result);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (BrokenCircuitException)
        {
            DistributedTokenCacheTelemetry.ErrorCounter.Add(1, new("operation", operation), new("reason", "circuit_open"));
            return (false, default);
        }
        catch (TimeoutRejectedException timeout)
        {
            DistributedTokenCacheTelemetry.ErrorCounter.Add(1, new("operation", operation), new("reason", "timeout"));
            DistributedTokenCacheLog.CallFailed(_logger, timeout, operation);
            return (false, default);
        }
        catch (Exception failure)
        {
            DistributedTokenCacheTelemetry.ErrorCounter.Add(1, new("operation", operation), new("reason", "failure"));
            DistributedTokenCacheLog.CallFailed(_logger, failure, operation);
            return (false, default);
        }
    }
}
