using System.Globalization;

namespace ClientCredentials.Cli.Hosting;

/// <summary>
/// Awaits a task and, when it takes longer than a second, says so on standard error every second, so a slow or
/// silent server never looks like a hung command. The task's own timeout still decides when to give up.
/// </summary>
internal static class WaitProgress
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static async Task<T> AwaitAsync<T>(Task<T> task, CliContext context, string waitingFor, CancellationToken cancellationToken)
    {
        var started = context.TimeProvider.GetTimestamp();
        while (!task.IsCompleted)
        {
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(Interval, context.TimeProvider, tick.Token);
            if (await Task.WhenAny(task, delay).ConfigureAwait(false) == task)
            {
                await tick.CancelAsync().ConfigureAwait(false);
                break;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var waited = context.TimeProvider.GetElapsedTime(started);
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"... still waiting for {waitingFor} ({waited.TotalSeconds:0} s)"));
        }

        return await task.ConfigureAwait(false);
    }
}
