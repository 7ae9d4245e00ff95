using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Output;

/// <summary>
/// One failure as the CLI reports it: the exit code plus the fields of the JSON error object (RFC 6749 §5.2 names,
/// AAD's <c>error_codes</c>, <c>trace_id</c>, <c>correlation_id</c>, and a <c>hint</c> saying what to do).
/// Holds no secret, assertion or token.
/// </summary>
internal sealed record CliError
{
    public required int ExitCode { get; init; }

    /// <summary>The OAuth <c>error</c> the server sent, or the CLI's own class (<c>invalid_configuration</c>, <c>usage_error</c>...).</summary>
    public required string Error { get; init; }

    public required string Description { get; init; }

    /// <summary>
    /// The description as a person reads it, when it differs from <see cref="Description"/>: for an AAD error, the
    /// text without its trace lines (<see cref="TokenEndpointError.ErrorSummary"/>), which are printed separately.
    /// </summary>
    public string? Summary { get; init; }

    public IReadOnlyList<int> ErrorCodes { get; init; } = [];

    public string? TraceId { get; init; }

    public string? CorrelationId { get; init; }

    /// <summary>The HTTP status, when a response arrived.</summary>
    public int? Status { get; init; }

    /// <summary>The wait the server or the client throttle asked for.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>What to change or try next.</summary>
    public string? Hint { get; init; }
}
