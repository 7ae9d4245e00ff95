using System.Globalization;
using System.Runtime.CompilerServices;
using ClientCredentials.Protocol.Benchmarks.Contenders;
using ClientCredentials.Protocol.Benchmarks.Fakes;

namespace ClientCredentials.Protocol.Benchmarks.Tenants;

/// <summary>
/// The tenant-memory mode: live heap kept per cached tenant beyond the token string, for ONE client serving every
/// tenant — this library through <see cref="TokenRequestParameters.Tenant"/>, MSAL.NET through <c>WithTenantId</c> —
/// with a 1,800-character token (a real Entra token's size) and a 90-character one. The tenant ids are created before
/// the first reading (the caller's data); each filled cache is compared with the heap before it after a full
/// compacting collection, and one token string per tenant is subtracted.
/// </summary>
internal static class TenantMemoryReport
{
    private static readonly TimeSpan FillDeadline = TimeSpan.FromMinutes(30);

    /// <summary>Measures each tenant count for this library, and for MSAL.NET up to <paramref name="msalMaxTenants"/>.</summary>
    public static void Run(IReadOnlyList<int> tenantCounts, int msalMaxTenants)
    {
        Console.WriteLine($".NET {Environment.Version}, {(Environment.Is64BitProcess ? "64" : "32")}-bit, server GC {System.Runtime.GCSettings.IsServerGC}.");
        Console.WriteLine();
        Console.WriteLine("| Contender | Token | Tenants | Live heap added | Per tenant | Per tenant beyond the token string |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var tokenLength in new[] { 1_800, 90 })
        {
            var token = new string('t', tokenLength);
            WarmUp(token);
            foreach (var count in tenantCounts)
            {
                Print("ClientCredentials.Protocol", tokenLength, count, Measure(token, count, msal: false));
                if (count <= msalMaxTenants)
                {
                    Print("MSAL.NET 4.92 (WithTenantId)", tokenLength, count, Measure(token, count, msal: true));
                }
            }
        }
    }

    private static void Print(string contender, int tokenLength, int count, long added)
    {
        var perTenant = (double)added / count;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {contender} | {tokenLength:N0} chars | {count:N0} | {added / 1024.0 / 1024.0:N1} MiB | {perTenant:N0} B | {perTenant - StringObjectSize(tokenLength):N0} B |"));
    }

    /// <summary>One fill in its own frame, so that nothing of it stays reachable for the next reading.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Measure(string token, int count, bool msal)
    {
        var tenants = TenantFill.Tenants(count);
        var handler = new CannedTokenEndpointHandler(token);
        var client = msal ? null : TenantFill.CreateClient(handler, count);
        var application = msal ? Msal.CreateApplication(handler) : null;
        var before = LiveHeapBytes();
        using (var deadline = new CancellationTokenSource(FillDeadline))
        {
            var fill = msal
                ? TenantFill.FillMsalAsync(application!, tenants, Environment.ProcessorCount, deadline.Token)
                : TenantFill.FillAsync(client!, tenants, Environment.ProcessorCount, deadline.Token);
            fill.GetAwaiter().GetResult();
        }

        var added = LiveHeapBytes() - before;
        if (handler.TokenRequests != count || handler.OtherRequests != 0)
        {
            throw new InvalidOperationException($"Filling {count:N0} tenants took {handler.TokenRequests:N0} token and {handler.OtherRequests} other requests; expected one token request per tenant.");
        }

        GC.KeepAlive(client);
        GC.KeepAlive(application);
        GC.KeepAlive(tenants);
        return added;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WarmUp(string token)
    {
        Measure(token, 1_000, msal: false);
        Measure(token, 1_000, msal: true);
    }

    /// <summary>Bytes a string of <paramref name="length"/> chars takes on a 64-bit heap.</summary>
    private static long StringObjectSize(int length) => (8 + 8 + 4 + (2L * (length + 1)) + 7) & ~7L;

    private static long LiveHeapBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
