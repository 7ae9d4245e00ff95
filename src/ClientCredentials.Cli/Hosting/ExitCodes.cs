namespace ClientCredentials.Cli.Hosting;

/// <summary>The process exit codes of <c>cc-token</c>; each failure class has its own so scripts can branch on it.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked (a token was printed, a file written...).</summary>
    public const int Success = 0;

    /// <summary>An unexpected failure (a bug); the message says what happened.</summary>
    public const int Unexpected = 1;

    /// <summary>The command line is wrong: unknown or conflicting options, a missing required value.</summary>
    public const int Usage = 2;

    /// <summary>A value is wrong and was refused before anything was sent: tenant, scope, certificate, file, variable.</summary>
    public const int Configuration = 3;

    /// <summary>The token endpoint answered with an error (AADSTS code in the output).</summary>
    public const int EndpointError = 4;

    /// <summary>No answer: connection refused or reset, DNS failure, timeout.</summary>
    public const int Unreachable = 5;

    /// <summary>The token endpoint asked to slow down (HTTP 429, <c>Retry-After</c>, AADSTS50196).</summary>
    public const int Throttled = 6;

    /// <summary>The command was cancelled (Ctrl+C) before it finished.</summary>
    public const int Cancelled = 130;

    /// <summary>The table printed at the end of <c>--help</c>.</summary>
    public static readonly IReadOnlyList<(int Code, string Meaning)> Table =
    [
        (Success, "success"),
        (Unexpected, "unexpected failure (please report it)"),
        (Usage, "usage: unknown, missing or conflicting options"),
        (Configuration, "configuration: a value was refused before sending (tenant, scope, certificate, file, variable)"),
        (EndpointError, "the token endpoint answered an error (see error_codes / AADSTS)"),
        (Unreachable, "network: endpoint unreachable or timed out"),
        (Throttled, "throttled: HTTP 429 / Retry-After / AADSTS50196; retry after the given wait"),
        (Cancelled, "cancelled (Ctrl+C)"),
    ];
}
