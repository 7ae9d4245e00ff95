using System.Globalization;
using System.Runtime.CompilerServices;
using ClientCredentials.Protocol.Benchmarks.Fakes;

namespace ClientCredentials.Protocol.Benchmarks.Scale;

/// <summary>
/// The entry-size mode: memory the cache keeps per cached token beyond the token string itself. For each size it
/// fills a fresh cache through a generic-server client and compares the live heap (<see cref="GC.GetTotalMemory"/>
/// after a full compacting collection) before and after; the scope strings are created before the first reading
/// (they are the caller's data, like the token), so what remains is the entry (the cached <see cref="AccessToken"/>
/// itself), its key and scope set, and its slot in the cache's table. Also prints the bytes allocated
/// per cold acquisition (the whole request path: form body, HTTP messages, JSON, key, entry).
/// </summary>
internal static class EntryOverheadReport
{
    private static readonly TimeSpan FillDeadline = TimeSpan.FromMinutes(10);

    /// <summary>Measures each size in <paramref name="keyCounts"/> and prints a markdown table.</summary>
    public static void Run(IReadOnlyList<int> keyCounts)
    {
        WarmUp();
        var tokenStringBytes = StringObjectSize(CannedAccessToken.Short.Length);
        Console.WriteLine($"Token string: {CannedAccessToken.Short.Length} chars = {tokenStringBytes} bytes on the heap (subtracted below). .NET {Environment.Version}, {(Environment.Is64BitProcess ? "64" : "32")}-bit.");
        Console.WriteLine();
        Console.WriteLine("| Cached keys | Live heap added | Per entry | Per entry beyond the token string | Allocated per cold acquisition |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        foreach (var keyCount in keyCounts)
        {
            var (added, allocated) = Measure(keyCount);
            var perEntry = (double)added / keyCount;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {keyCount:N0} | {added / 1024.0 / 1024.0:N1} MiB | {perEntry:N0} B | {perEntry - tokenStringBytes:N0} B | {(double)allocated / keyCount:N0} B |"));
        }
    }

    /// <summary>
    /// One fill, in its own frame: when it returns nothing of it stays reachable, so the next size's first
    /// reading does not count this one's garbage (an async loop would keep it in its state machine).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (long Added, long Allocated) Measure(int keyCount)
    {
        var fill = CacheFill.Prepare(keyCount);
        var before = LiveHeapBytes();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using (var deadline = new CancellationTokenSource(FillDeadline))
        {
            fill.FillAsync(parallelism: 1, deadline.Token).GetAwaiter().GetResult();
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var added = LiveHeapBytes() - before;
        GC.KeepAlive(fill);
        return (added, allocated);
    }

    /// <summary>JIT, static caches and pools warmed on a throw-away cache, so the first reading is not skewed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WarmUp()
    {
        using var deadline = new CancellationTokenSource(FillDeadline);
        CacheFill.Prepare(1_000).FillAsync(parallelism: 1, deadline.Token).GetAwaiter().GetResult();
    }

    /// <summary>Bytes a string of <paramref name="length"/> chars takes on a 64-bit heap: header, method table, length, chars and terminator, 8-aligned.</summary>
    private static long StringObjectSize(int length) => (8 + 8 + 4 + (2L * (length + 1)) + 7) & ~7L;

    private static long LiveHeapBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
