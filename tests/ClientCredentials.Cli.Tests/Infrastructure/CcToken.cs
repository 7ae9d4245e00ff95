using System.Text.Json;
using ClientCredentials.Cli.Hosting;

namespace ClientCredentials.Cli.Tests.Infrastructure;

/// <summary>What one in-process run of cc-token produced.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string All => Stdout + Stderr;

    /// <summary>Standard output parsed as the one JSON object <c>--output json</c> promises.</summary>
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Stdout);
        return document.RootElement.Clone();
    }

    public IReadOnlyList<int> ErrorCodes() => Json().GetProperty("error_codes").EnumerateArray().Select(e => e.GetInt32()).ToList();

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Runs cc-token's real entry point in-process with captured streams, a given environment and stdin.</summary>
internal static class CcToken
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, new Dictionary<string, string>());

    public static async Task<CliResult> RunAsync(
        string[] args,
        IReadOnlyDictionary<string, string> environment,
        string stdin = "",
        TimeProvider? timeProvider = null,
        string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        var stdout = new CapturedWriter();
        var stderr = new CapturedWriter();
        var context = new CliContext
        {
            Out = stdout,
            Error = stderr,
            In = new StringReader(stdin),
            GetEnvironmentVariable = name => environment.TryGetValue(name, out var value) ? value : null,
            TimeProvider = timeProvider ?? TimeProvider.System,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        var exitCode = await CliApplication.RunAsync(args, context, cancellationToken);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs with captured writers the test can watch while the command is still running.</summary>
    public static Task<int> StartAsync(string[] args, CapturedWriter stdout, CapturedWriter stderr, CancellationToken cancellationToken) =>
        CliApplication.RunAsync(args, new CliContext
        {
            Out = stdout,
            Error = stderr,
            In = new StringReader(string.Empty),
            GetEnvironmentVariable = _ => null,
            WorkingDirectory = Path.GetTempPath(),
        }, cancellationToken);
}
