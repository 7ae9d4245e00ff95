using BenchmarkDotNet.Running;
using ClientCredentials.Protocol.Benchmarks.Scale;
using ClientCredentials.Protocol.Benchmarks.Stampede;

// Modes (see README.md):
//   stampede [--delay-ms 5] [--trials 5]   cold concurrent callers → token requests made, markdown table
//   entry-size                             bytes kept per cached token beyond the token string, markdown table
//   anything else                          BenchmarkDotNet (--filter, --job, --list flat, ...)
switch (args.FirstOrDefault())
{
    case "stampede":
        await StampedeReport.RunAsync(
            callerCounts: [10, 100, 1_000],
            trials: IntOption(args, "--trials", 5),
            endpointDelay: TimeSpan.FromMilliseconds(IntOption(args, "--delay-ms", 5)));
        break;
    case "entry-size":
        EntryOverheadReport.Run(args.Length > 1 ? args.Skip(1).Select(int.Parse).ToArray() : [10_000, 100_000, 1_000_000]);
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        break;
}

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
