namespace ClientCredentials.Cli.Hosting;

/// <summary>
/// What a command may touch outside itself: standard streams, environment variables, the clock and the working
/// directory. <see cref="Program"/> passes the real ones; tests pass captured ones and run commands in-process.
/// </summary>
internal sealed record CliContext
{
    /// <summary>Standard output: only the command's result (a token, JSON, a decoded JWT).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error: errors, warnings, progress and <c>--verbose</c> traces.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Standard input: secrets and passwords given with <c>--*-stdin</c>, or a JWT for <c>decode -</c>.</summary>
    public required TextReader In { get; init; }

    /// <summary>True when standard input is an interactive terminal (then a prompt is printed before reading it).</summary>
    public bool InputIsTerminal { get; init; }

    /// <summary>Reads an environment variable; null when unset.</summary>
    public required Func<string, string?> GetEnvironmentVariable { get; init; }

    /// <summary>The clock for relative times and timings.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Relative paths resolve against this directory.</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>The process's own console, environment and clock.</summary>
    public static CliContext FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        In = Console.In,
        InputIsTerminal = !Console.IsInputRedirected,
        GetEnvironmentVariable = Environment.GetEnvironmentVariable,
    };

    /// <summary>Resolves <paramref name="path"/> against <see cref="WorkingDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, WorkingDirectory);
}
