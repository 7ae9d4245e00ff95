using ClientCredentials.Protocol.Benchmarks.Fakes;

namespace ClientCredentials.Protocol.Benchmarks.Stampede;

/// <summary>
/// One cold stampede: a new client over a new handler (same canned endpoint, with a delay so requests overlap),
/// <c>callers</c> tasks parked on one gate, released together, each asking for the token once.
/// </summary>
internal static class StampedeTrial
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Runs the trial and returns how many token requests (and other requests) reached the endpoint.</summary>
    public static async Task<(int TokenRequests, int OtherRequests)> RunAsync(StampedeContender contender, int callers, TimeSpan endpointDelay)
    {
        var handler = new CannedTokenEndpointHandler(CannedAccessToken.Realistic, endpointDelay);
        var getToken = contender.Create(handler);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allParked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var parked = 0;
        var tasks = new Task<string>[callers];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = Task.Run(async () =>
            {
                if (Interlocked.Increment(ref parked) == callers)
                {
                    allParked.TrySetResult();
                }

                await gate.Task.ConfigureAwait(false);
                return await getToken().ConfigureAwait(false);
            });
        }

        await allParked.Task.WaitAsync(Deadline).ConfigureAwait(false);
        gate.SetResult();
        var tokens = await Task.WhenAll(tasks).WaitAsync(Deadline).ConfigureAwait(false);
        if (tokens.Any(token => !string.Equals(token, CannedAccessToken.Realistic, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"{contender.Name}: a caller did not get the canned token.");
        }

        return (handler.TokenRequests, handler.OtherRequests);
    }
}
