using System.Net;
using ClientCredentials.Cli.Hosting;
using ClientCredentials.Cli.Output;
using ClientCredentials.Emulator;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Acquisition;

/// <summary>Turns what a command threw into a <see cref="CliError"/> with the right exit code.</summary>
internal static class ErrorClassifier
{
    /// <summary>Most <c>error_codes</c> printed; a server that sends more is cut to these.</summary>
    private const int MaxErrorCodes = 20;

    /// <summary>
    /// The report for <paramref name="exception"/>, with every text field neutralised (<see cref="UntrustedText"/>): an
    /// error description, trace id or client id from a server or a configuration file reaches the terminal with no
    /// control character or escape sequence, and capped in length.
    /// </summary>
    public static CliError Classify(Exception exception) => Neutralized(Describe(exception));

    private static CliError Neutralized(CliError error) => error with
    {
        Error = UntrustedText.Neutralize(error.Error, 128),
        Description = UntrustedText.Neutralize(error.Description, 4096),
        ErrorCodes = error.ErrorCodes.Count > MaxErrorCodes ? [.. error.ErrorCodes.Take(MaxErrorCodes)] : error.ErrorCodes,
        TraceId = UntrustedText.Neutralize(error.TraceId, 128),
        CorrelationId = UntrustedText.Neutralize(error.CorrelationId, 128),
        Hint = UntrustedText.Neutralize(error.Hint, 1024),
    };

    private static CliError Describe(Exception exception) => exception switch
    {
        CliUsageException usage => new CliError
        {
            ExitCode = ExitCodes.Usage,
            Error = "usage_error",
            Description = usage.Message,
            Hint = "Run with --help to see the options.",
        },
        CliConfigurationException configuration => new CliError
        {
            ExitCode = ExitCodes.Configuration,
            Error = "invalid_configuration",
            Description = configuration.Message,
            Hint = $"Check {configuration.Setting}.",
        },
        ClientCredentialsConfigurationException configuration => new CliError
        {
            ExitCode = ExitCodes.Configuration,
            Error = "invalid_configuration",
            Description = configuration.Message,
            Hint = $"Fix the setting '{configuration.Setting}'; the request was refused before anything was sent.",
        },
        EmulatorConfigurationException emulator => new CliError
        {
            ExitCode = ExitCodes.Configuration,
            Error = "invalid_configuration",
            Description = emulator.Message,
            Hint = "Fix the emulator configuration file; see src/ClientCredentials.Emulator/README.md for its shape.",
        },
        TokenRequestThrottledException throttled => new CliError
        {
            ExitCode = ExitCodes.Throttled,
            Error = "throttled",
            Description = throttled.Message,
            RetryAfter = throttled.RetryAfter,
            Hint = "Wait for retry_after seconds before asking again, and cache tokens instead of requesting one per call.",
        },
        TokenEndpointException endpoint => FromEndpoint(endpoint),
        TokenEndpointUnreachableException unreachable => new CliError
        {
            ExitCode = ExitCodes.Unreachable,
            Error = unreachable.TimedOut ? "timeout" : "endpoint_unreachable",
            Description = unreachable.Message,
            CorrelationId = unreachable.CorrelationId,
            Hint = unreachable.TimedOut
                ? "The token endpoint did not answer in time: check the URL, proxy and firewall, or raise --timeout."
                : $"Check that {unreachable.TokenEndpoint.GetLeftPart(UriPartial.Authority)} is the right host and is reachable from here (DNS, proxy, firewall).",
        },
        TokenRequestTimeoutException timeout => new CliError
        {
            ExitCode = ExitCodes.Unreachable,
            Error = "timeout",
            Description = timeout.Message,
            Hint = "The token endpoint did not answer in time: check that it is reachable, or raise --timeout.",
        },
        OperationCanceledException => new CliError
        {
            ExitCode = ExitCodes.Cancelled,
            Error = "cancelled",
            Description = "The command was cancelled before it finished.",
        },
        _ => new CliError
        {
            ExitCode = ExitCodes.Unexpected,
            Error = "unexpected_error",
            Description = $"{exception.GetType().Name}: {exception.Message}",
            Hint = "This looks like a bug in cc-token; please report it with the command line (without secrets).",
        },
    };

    /// <summary>A 429, or AADSTS50196 ("loop detected": the client calls too often), is reported as throttling.</summary>
    private static CliError FromEndpoint(TokenEndpointException endpoint)
    {
        var throttled = endpoint.StatusCode == HttpStatusCode.TooManyRequests || endpoint.Details.IsLoopDetected;
        return new CliError
        {
            ExitCode = throttled ? ExitCodes.Throttled : ExitCodes.EndpointError,
            Error = endpoint.Error,
            Description = endpoint.ErrorDescription ?? endpoint.Message,
            // A description of trace lines only has an empty summary: "(no description)".
            Summary = endpoint.ErrorDescription is null ? null : endpoint.Details.ErrorSummary ?? string.Empty,
            ErrorCodes = endpoint.ErrorCodes,
            TraceId = endpoint.TraceId,
            CorrelationId = endpoint.CorrelationId,
            Status = (int)endpoint.StatusCode,
            RetryAfter = endpoint.RetryAfter,
            Hint = endpoint.Remedy is { } remedy
                ? char.ToUpperInvariant(remedy[0]) + remedy[1..]
                : throttled
                    ? "The token endpoint asked to slow down: wait retry_after seconds, and reuse cached tokens."
                    : endpoint.IsTransient
                        ? "The token endpoint failed transiently; try again shortly."
                        : "Read error_description; quote trace_id and correlation_id when asking the identity provider's support.",
        };
    }
}
