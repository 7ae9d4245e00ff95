using ClientCredentials.Cli;
using ClientCredentials.Cli.Hosting;

namespace ClientCredentials.Security.Tests.Infrastructure;

/// <summary>Runs cc-token's real entry point in-process with captured output, a given environment and no stdin.</summary>
public static class CcToken
{
    public static async Task<CliRun> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext
        {
            Out = TextWriter.Synchronized(stdout),
            Error = TextWriter.Synchronized(stderr),
            In = new StringReader(string.Empty),
            GetEnvironmentVariable = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
            WorkingDirectory = Path.GetTempPath(),
        };
        var exitCode = await CliApplication.RunAsync(args, context);
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }
}

public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public string All => Stdout + Stderr;

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
