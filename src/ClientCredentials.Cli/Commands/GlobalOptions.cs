using System.CommandLine;

namespace ClientCredentials.Cli.Commands;

/// <summary>Options every command understands.</summary>
internal sealed class GlobalOptions
{
    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Show each HTTP request (method, URL, headers, form fields with credentials redacted) and timings on standard error.",
        Recursive = true,
    };
}
