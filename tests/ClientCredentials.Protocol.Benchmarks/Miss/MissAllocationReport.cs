using System.Diagnostics;
using System.Globalization;

namespace ClientCredentials.Protocol.Benchmarks.Miss;

/// <summary>
/// The miss-bytes mode: a quick reading, outside BenchmarkDotNet, of the bytes allocated and the time per call of each
/// <see cref="MissBenchmarks"/> contender (the same setup), for steering work on the miss path between full runs.
/// Bytes are stable under load; times are not.
/// </summary>
internal static class MissAllocationReport
{
    public static async Task RunAsync(int calls)
    {
        var benchmarks = new MissBenchmarks();
        benchmarks.Setup();
        var contenders = new (string Name, Func<Task> Call)[]
        {
            (nameof(MissBenchmarks.BareHttpClientPost), () => benchmarks.BareHttpClientPost()),
            (nameof(MissBenchmarks.SecretMiss), () => benchmarks.SecretMiss().AsTask()),
            (nameof(MissBenchmarks.MsalSecretMiss), () => benchmarks.MsalSecretMiss()),
            (nameof(MissBenchmarks.CertificateMiss), () => benchmarks.CertificateMiss().AsTask()),
            (nameof(MissBenchmarks.MsalCertificateMiss), () => benchmarks.MsalCertificateMiss()),
        };

        Console.WriteLine("| Contender | Allocated per call | Time per call |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, call) in contenders)
        {
            var count = name.Contains("Certificate", StringComparison.Ordinal) ? Math.Max(1, calls / 20) : calls;
            for (var i = 0; i < Math.Min(count, 200); i++)
            {
                await call().ConfigureAwait(false);
            }

            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                await call().ConfigureAwait(false);
            }

            clock.Stop();
            var bytes = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {bytes:N0} B | {clock.Elapsed.TotalMicroseconds / count:N1} µs |"));
        }

        benchmarks.Cleanup();
    }
}
