using System.Globalization;
using System.Text;

namespace ClientCredentials.Protocol.Benchmarks.Stampede;

/// <summary>
/// The stampede mode: for each caller count and contender, several cold trials; prints a markdown table of the
/// token requests made (median, and min–max when they differ). The number is a count, so this runs outside
/// BenchmarkDotNet.
/// </summary>
internal static class StampedeReport
{
    /// <summary>Runs every trial and writes the table to the console.</summary>
    public static async Task RunAsync(IReadOnlyList<int> callerCounts, int trials, TimeSpan endpointDelay)
    {
        Console.WriteLine($"Stampede: {trials} cold trials per cell; endpoint delay {endpointDelay.TotalMilliseconds:0} ms; {Environment.ProcessorCount} cores; .NET {Environment.Version}.");
        foreach (var contender in StampedeContender.All)
        {
            await StampedeTrial.RunAsync(contender, callers: 10, endpointDelay).ConfigureAwait(false); // JIT warm-up, not reported
        }

        var table = new StringBuilder();
        table.Append("| Concurrent cold callers |");
        foreach (var contender in StampedeContender.All)
        {
            table.Append(CultureInfo.InvariantCulture, $" {contender.Name} |");
        }

        table.AppendLine().Append("|---:|");
        table.Append(string.Concat(Enumerable.Repeat("---:|", StampedeContender.All.Count))).AppendLine();
        var otherRequests = 0;
        foreach (var callers in callerCounts)
        {
            table.Append(CultureInfo.InvariantCulture, $"| {callers:N0} |");
            foreach (var contender in StampedeContender.All)
            {
                var counts = new List<int>(trials);
                for (var trial = 0; trial < trials; trial++)
                {
                    var (tokenRequests, other) = await StampedeTrial.RunAsync(contender, callers, endpointDelay).ConfigureAwait(false);
                    counts.Add(tokenRequests);
                    otherRequests += other;
                }

                counts.Sort();
                var median = counts[counts.Count / 2];
                table.Append(counts[0] == counts[^1]
                    ? string.Create(CultureInfo.InvariantCulture, $" {median:N0} |")
                    : string.Create(CultureInfo.InvariantCulture, $" {median:N0} ({counts[0]:N0}–{counts[^1]:N0}) |"));
            }

            table.AppendLine();
        }

        Console.WriteLine();
        Console.WriteLine("Token requests made (median of the trials; min–max when they differ):");
        Console.WriteLine();
        Console.Write(table);
        Console.WriteLine();
        Console.WriteLine($"Requests other than token requests (instance discovery, metadata) over all trials: {otherRequests}.");
    }
}
