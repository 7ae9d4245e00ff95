using System.Text.Json;
using ClientCredentials.Cli;
using ClientCredentials.Cli.Hosting;

namespace ClientCredentials.Interop.Tests.Infrastructure;

/// <summary>What one in-process run of cc-token produced.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Stdout);
        return document.RootElement.Clone();
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Runs cc-token's real entry point in-process with captured streams and a given environment.</summary>
public static class CcToken
{
    public static async Task<CliResult> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null, string stdin = "")
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext
        {
            Out = stdout,
            Error = stderr,
            In = new StringReader(stdin),
            GetEnvironmentVariable = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
            WorkingDirectory = Path.GetTempPath(),
        };
        var exitCode = await CliApplication.RunAsync(args, context, CancellationToken.None);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }
}
