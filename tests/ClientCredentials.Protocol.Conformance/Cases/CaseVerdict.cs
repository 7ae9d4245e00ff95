using System.Text.Json.Nodes;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// Compares an outcome with a case's <c>expect</c> under the rules of spec/conformance/README.md and collects every
/// mismatch, so one failing case reports all of its differences at once.
/// </summary>
internal sealed class CaseVerdict
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(1);
    private static readonly string[] TokenMembers = ["tokenType", "expiresInSeconds", "extendedExpiresInSeconds", "refreshInSeconds"];
    private static readonly string[] ErrorMembers =
        ["status", "error", "errorCodes", "subError", "claims", "traceId", "correlationId", "timestamp", "errorUri", "transient", "retryAfterSeconds", "descriptionStartsWith"];

    private readonly List<string> _problems = [];

    public IReadOnlyList<string> Problems => _problems;

    public void Add(string problem) => _problems.Add(problem);

    public void CheckRequests(int expected, int received, IReadOnlyList<string> unmatched)
    {
        if (received != expected)
        {
            Add($"the mock received {received} request(s), expected {expected}");
        }

        foreach (var request in unmatched)
        {
            Add($"a request matched no mapping (the client sent something the case's matchers forbid): {request}");
        }
    }

    public void CheckToken(JsonObject expected, CaseOutcome outcome)
    {
        RejectUnknownMembers("expect.token", expected, TokenMembers);
        if (outcome.Token is not { } token)
        {
            Add($"expected a token, got {Describe(outcome.Failure)}");
            return;
        }

        var tokenType = expected["tokenType"]!.GetValue<string>();
        if (!string.Equals(token.TokenType, tokenType, StringComparison.OrdinalIgnoreCase))
        {
            Add($"tokenType: expected '{tokenType}' (case-insensitive), got '{token.TokenType}'");
        }

        CheckLifetime("expiresInSeconds", token.ExpiresOn, expected["expiresInSeconds"], outcome);
        CheckLifetime("extendedExpiresInSeconds", token.ExtendedExpiresOn, expected["extendedExpiresInSeconds"], outcome);
        CheckLifetime("refreshInSeconds", token.RefreshOn, expected["refreshInSeconds"], outcome);
    }

    public void CheckError(JsonObject expected, CaseOutcome outcome)
    {
        RejectUnknownMembers("expect.error", expected, ErrorMembers);
        if (outcome.Failure is not TokenEndpointException error)
        {
            Add($"expected a TokenEndpointException, got {(outcome.Token is not null ? "a token" : Describe(outcome.Failure))}");
            return;
        }

        Compare("status", expected, (int)error.StatusCode);
        Compare("error", expected, error.Error);
        Compare("transient", expected, error.IsTransient);
        if (expected["errorCodes"] is JsonArray codes)
        {
            var want = codes.Select(c => c!.GetValue<int>()).ToArray();
            if (!want.SequenceEqual(error.ErrorCodes))
            {
                Add($"errorCodes: expected [{string.Join(", ", want)}], got [{string.Join(", ", error.ErrorCodes)}]");
            }
        }

        Compare("subError", expected, error.SubError);
        Compare("claims", expected, error.Claims);
        Compare("traceId", expected, error.TraceId);
        Compare("correlationId", expected, error.CorrelationId);
        Compare("timestamp", expected, error.Timestamp);
        Compare("errorUri", expected, error.ErrorUri);
        if (expected.TryGetPropertyValue("retryAfterSeconds", out var retryAfter))
        {
            var want = retryAfter?.GetValue<int>();
            var got = error.RetryAfter is { } wait ? wait.TotalSeconds : (double?)null;
            if (want != got)
            {
                Add($"retryAfterSeconds: expected {Show(want)}, got {Show(got)}");
            }
        }

        if (expected["descriptionStartsWith"]?.GetValue<string>() is { } start &&
            !(error.ErrorDescription ?? string.Empty).StartsWith(start, StringComparison.Ordinal))
        {
            Add($"description: expected it to start with '{start}', got '{error.ErrorDescription}'");
        }
    }

    /// <summary>
    /// The library stamps the lifetime onto the moment it sent the request, which lies between the clock readings
    /// taken before and after the call: <c>expected ∈ [at − after, at − before]</c>, with 1 s of slack.
    /// </summary>
    private void CheckLifetime(string name, DateTimeOffset? at, JsonNode? expected, CaseOutcome outcome)
    {
        var seconds = expected?.GetValue<long>();
        if (seconds is null || at is null)
        {
            if (seconds != null || at != null)
            {
                Add($"{name}: expected {Show(seconds)}, got {(at is { } a ? $"{(a - outcome.After).TotalSeconds:0.#}" : "null")}");
            }

            return;
        }

        var want = TimeSpan.FromSeconds(seconds.Value);
        var shortest = at.Value - outcome.After - Tolerance;
        var longest = at.Value - outcome.Before + Tolerance;
        if (want < shortest || want > longest)
        {
            Add($"{name}: expected {seconds} s, got between {shortest.TotalSeconds + 1:0.#} and {longest.TotalSeconds - 1:0.#} s");
        }
    }

    private void Compare<T>(string name, JsonObject expected, T actual)
    {
        if (!expected.TryGetPropertyValue(name, out var node))
        {
            return;
        }

        var want = node is null ? default : node.GetValue<T>();
        if (!EqualityComparer<T>.Default.Equals(want, actual))
        {
            Add($"{name}: expected {Show(want)}, got {Show(actual)}");
        }
    }

    private void RejectUnknownMembers(string where, JsonObject expected, string[] known)
    {
        foreach (var (name, _) in expected)
        {
            if (Array.IndexOf(known, name) < 0)
            {
                Add($"{where}.{name} is not a member this runner knows; update the runner with the case format");
            }
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
        bool b => b ? "true" : "false",
        _ => value.ToString() ?? "null",
    };

    private static string Describe(Exception? failure) =>
        failure is null ? "nothing" : $"{failure.GetType().Name}: {failure.Message}";
}
