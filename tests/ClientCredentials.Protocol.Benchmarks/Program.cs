using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using ClientCredentials.Protocol.Benchmarks.Scale;
using ClientCredentials.Protocol.Benchmarks.Stampede;

// Modes (see README.md):
//   stampede [--delay-ms 5] [--trials 5]   cold concurrent callers → token requests made, markdown table
//   entry-size                             bytes kept per cached token beyond the token string, markdown table
//   tenant-memory [counts...] [--msal-max N]  bytes kept per cached tenant on one client, this library and MSAL.NET
//   miss-bytes [calls]                     quick bytes and time per miss of each miss contender (steering, not figures)
//   l2-bytes                               bytes stored per token in the shared store, this library and Microsoft.Identity.Web
//   fleet-cold-start [--trials 3] [--delay-ms 100]  K = 2, 4, 8 cold processes at once: token requests, ours and Microsoft.Identity.Web
//   fleet-member ...                       one instance of the fleet-cold-start mode (started by it, not by hand)
//   anything else                          BenchmarkDotNet (--filter, --job, --list flat, ...)
switch (args.FirstOrDefault())
{
    case "stampede":
        await StampedeReport.RunAsync(
            callerCounts: [10, 100, 1_000],
            trials: IntOption(args, "--trials", 5),
            endpointDelay: TimeSpan.FromMilliseconds(IntOption(args, "--delay-ms", 5)));
        break;
    case "miss-bytes":
        await ClientCredentials.Protocol.Benchmarks.Miss.MissAllocationReport.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2_000);
        break;
    case "tenant-memory":
        ClientCredentials.Protocol.Benchmarks.Tenants.TenantMemoryReport.Run(Counts(args, [10_000, 1_000_000]), IntOption(args, "--msal-max", 10_000));
        break;
    case "l2-bytes":
        await ClientCredentials.Protocol.Benchmarks.Distributed.StoredBytesReport.RunAsync();
        break;
    case "fleet-cold-start":
        await ClientCredentials.Protocol.Benchmarks.Distributed.FleetColdStartReport.RunAsync(
            fleetSizes: [2, 4, 8],
            trials: IntOption(args, "--trials", 3),
            endpointDelay: TimeSpan.FromMilliseconds(IntOption(args, "--delay-ms", 100)));
        break;
    case "fleet-member":
        return await ClientCredentials.Protocol.Benchmarks.Distributed.FleetColdStartReport.RunMemberAsync(args);
    case "entry-size":
        EntryOverheadReport.Run(args.Length > 1 ? args.Skip(1).Select(int.Parse).ToArray() : [10_000, 100_000, 1_000_000]);
        break;
    default:
        // A shared 2-core machine can take more than BenchmarkDotNet's default two minutes to build the boilerplate.
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, ManualConfig.Union(DefaultConfig.Instance, ManualConfig.CreateEmpty().WithBuildTimeout(TimeSpan.FromMinutes(10))));
        break;
}

return 0;

static int IntOption(string[] args, string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    if (at < 0)
    {
        return fallback;
    }

    if (at + 1 >= args.Length || !int.TryParse(args[at + 1], out var value) || value < 0)
    {
        throw new ArgumentException($"{name} needs a whole number of zero or more, for example {name} {fallback}.");
    }

    return value;
}

// The whole numbers after the mode, up to the first option: the sizes to measure.
static int[] Counts(string[] args, int[] fallback)
{
    var counts = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    return counts.Length > 0 ? counts : fallback;
}
