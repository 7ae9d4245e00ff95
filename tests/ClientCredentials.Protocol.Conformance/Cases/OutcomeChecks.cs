using System.Text.Json.Nodes;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// Compares what a call returned with a case's outcome members (<c>token</c>, <c>error</c>, <c>unreachable</c>, and for
/// timeline steps <c>throttled</c>, <c>configuration</c>) under the rules of spec/conformance/README.md.
/// </summary>
internal sealed class OutcomeChecks(CaseVerdict verdict, Func<string, string> placeholders)
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(1);
    private static readonly string[] TokenMembers = ["tokenType", "expiresInSeconds", "extendedExpiresInSeconds", "refreshInSeconds", "accessToken"];
    private static readonly string[] StepTokenMembers = ["accessToken", "source", "extendedLifetime", "expiresAt"];
    private static readonly string[] ErrorMembers =
        ["status", "error", "errorCodes", "subError", "claims", "traceId", "correlationId", "timestamp", "errorUri", "transient", "retryAfterSeconds", "descriptionStartsWith", "messageExcludes"];

    /// <summary>A single case's <c>token</c>: lifetimes are checked against the clock readings around the call.</summary>
    public void Token(string where, JsonObject expected, AccessToken? token, Exception? failure, DateTimeOffset before, DateTimeOffset after)
    {
        RejectUnknown(where, expected, TokenMembers);
        if (token is null)
        {
            verdict.Add($"{where}: expected a token, got {CaseVerdict.Describe(failure)}");
            return;
        }

        var tokenType = expected["tokenType"]!.GetValue<string>();
        if (!string.Equals(token.TokenType, tokenType, StringComparison.OrdinalIgnoreCase))
        {
            verdict.Add($"{where}.tokenType: expected '{tokenType}' (case-insensitive), got '{token.TokenType}'");
        }

        if (expected["accessToken"]?.GetValue<string>() is { } value && value != token.Token)
        {
            verdict.Add($"{where}.accessToken: expected the token the last answer carried, got another one");
        }

        Lifetime($"{where}.expiresInSeconds", token.ExpiresOn, expected["expiresInSeconds"], before, after);
        Lifetime($"{where}.extendedExpiresInSeconds", token.ExtendedExpiresOn, expected["extendedExpiresInSeconds"], before, after);
        Lifetime($"{where}.refreshInSeconds", token.RefreshOn, expected["refreshInSeconds"], before, after);
    }

    /// <summary>A timeline step's <c>token</c>: exact on the virtual clock.</summary>
    public void StepToken(string where, JsonObject expected, AccessToken? token, Exception? failure, DateTimeOffset t0)
    {
        RejectUnknown(where, expected, StepTokenMembers);
        if (token is null)
        {
            verdict.Add($"{where}: expected a token, got {CaseVerdict.Describe(failure)}");
            return;
        }

        if (expected["accessToken"]!.GetValue<string>() != token.Token)
        {
            verdict.Add($"{where}.accessToken: expected '{expected["accessToken"]}', got {TokenName(token.Token)}");
        }

        var source = token.Source == TokenSource.Cache ? "cache" : "network";
        if (expected["source"]!.GetValue<string>() != source)
        {
            verdict.Add($"{where}.source: expected '{expected["source"]}', got '{source}'");
        }

        var extended = expected["extendedLifetime"]?.GetValue<bool>() ?? false;
        if (extended != token.IsExtendedLifetime)
        {
            verdict.Add($"{where}.extendedLifetime: expected {CaseVerdict.Show(extended)}, got {CaseVerdict.Show(token.IsExtendedLifetime)}");
        }

        if (expected["expiresAt"]?.GetValue<double>() is { } at && (token.ExpiresOn - t0).TotalSeconds != at)
        {
            verdict.Add($"{where}.expiresAt: expected T0 + {at} s, got T0 + {(token.ExpiresOn - t0).TotalSeconds} s");
        }
    }

    public void Error(string where, JsonObject expected, AccessToken? token, Exception? failure)
    {
        RejectUnknown(where, expected, ErrorMembers);
        if (failure is not TokenEndpointException error)
        {
            verdict.Add($"{where}: expected a token endpoint error, got {(token is not null ? "a token" : CaseVerdict.Describe(failure))}");
            return;
        }

        Compare(where, "status", expected, (int)error.StatusCode);
        Compare(where, "error", expected, error.Error);
        Compare(where, "transient", expected, error.IsTransient);
        if (expected["errorCodes"] is JsonArray codes)
        {
            var want = codes.Select(c => c!.GetValue<int>()).ToArray();
            if (!want.SequenceEqual(error.ErrorCodes))
            {
                verdict.Add($"{where}.errorCodes: expected [{string.Join(", ", want)}], got [{string.Join(", ", error.ErrorCodes)}]");
            }
        }

        Compare(where, "subError", expected, error.SubError);
        Compare(where, "claims", expected, error.Claims);
        Compare(where, "traceId", expected, error.TraceId);
        Compare(where, "correlationId", expected, error.CorrelationId);
        Compare(where, "timestamp", expected, error.Timestamp);
        Compare(where, "errorUri", expected, error.ErrorUri);
        if (expected.TryGetPropertyValue("retryAfterSeconds", out var retryAfter))
        {
            var want = retryAfter?.GetValue<int>();
            var got = error.RetryAfter is { } wait ? Math.Floor(wait.TotalSeconds) : (double?)null;
            if (want != got)
            {
                verdict.Add($"{where}.retryAfterSeconds: expected {CaseVerdict.Show(want)}, got {CaseVerdict.Show(got)}");
            }
        }

        if (expected["descriptionStartsWith"]?.GetValue<string>() is { } start &&
            !(error.ErrorDescription ?? string.Empty).StartsWith(start, StringComparison.Ordinal))
        {
            verdict.Add($"{where}.descriptionStartsWith: expected '{start}', got '{error.ErrorDescription}'");
        }

        foreach (var excluded in expected["messageExcludes"]?.AsArray() ?? [])
        {
            var text = excluded!.GetValue<string>();
            if (error.Message.Contains(text, StringComparison.Ordinal))
            {
                verdict.Add($"{where}.messageExcludes: the error message contains {System.Text.Json.JsonSerializer.Serialize(text)}, which the server sent and the message must not repeat raw");
            }
        }
    }

    public void Unreachable(string where, JsonObject expected, AccessToken? token, Exception? failure)
    {
        RejectUnknown(where, expected, ["timedOut"]);
        if (failure is not TokenEndpointUnreachableException unreachable)
        {
            verdict.Add($"{where}: expected an unreachable error, got {(token is not null ? "a token" : CaseVerdict.Describe(failure))}");
            return;
        }

        Compare(where, "timedOut", expected, unreachable.TimedOut);
    }

    public void Throttled(string where, JsonObject expected, AccessToken? token, Exception? failure)
    {
        RejectUnknown(where, expected, ["retryAfterSeconds"]);
        if (failure is not TokenRequestThrottledException throttled)
        {
            verdict.Add($"{where}: expected a throttled error, got {(token is not null ? "a token" : CaseVerdict.Describe(failure))}");
            return;
        }

        var want = expected["retryAfterSeconds"]!.GetValue<double>();
        if (throttled.RetryAfter?.TotalSeconds != want)
        {
            verdict.Add($"{where}.retryAfterSeconds: expected {want}, got {CaseVerdict.Show(throttled.RetryAfter?.TotalSeconds)}");
        }
    }

    public void Configuration(string where, JsonObject expected, AccessToken? token, Exception? failure)
    {
        RejectUnknown(where, expected, ["setting"]);
        if (failure is not ClientCredentialsConfigurationException configuration)
        {
            verdict.Add($"{where}: expected a configuration error, got {(token is not null ? "a token" : CaseVerdict.Describe(failure))}");
            return;
        }

        Compare(where, "setting", expected, configuration.Setting);
    }

    /// <summary>
    /// The library stamps a lifetime onto the moment it sent the request, which lies between the clock readings taken
    /// before and after the call: <c>expected ∈ [at − after, at − before]</c>, with 1 s of slack.
    /// </summary>
    private void Lifetime(string name, DateTimeOffset? at, JsonNode? expected, DateTimeOffset before, DateTimeOffset after)
    {
        var seconds = expected?.GetValue<long>();
        if (seconds is null || at is null)
        {
            if (seconds != null || at != null)
            {
                verdict.Add($"{name}: expected {CaseVerdict.Show(seconds)}, got {(at is { } a ? $"{(a - after).TotalSeconds:0.#}" : "null")}");
            }

            return;
        }

        var want = TimeSpan.FromSeconds(seconds.Value);
        var shortest = at.Value - after - Tolerance;
        var longest = at.Value - before + Tolerance;
        if (want < shortest || want > longest)
        {
            verdict.Add($"{name}: expected {seconds} s, got between {shortest.TotalSeconds + 1:0.#} and {longest.TotalSeconds - 1:0.#} s");
        }
    }

    private void Compare<T>(string where, string name, JsonObject expected, T actual)
    {
        if (!expected.TryGetPropertyValue(name, out var node))
        {
            return;
        }

        object? want = node is null ? null : typeof(T) == typeof(string) ? placeholders(node.GetValue<string>()) : node.GetValue<T>();
        if (!Equals(want, actual))
        {
            verdict.Add($"{where}.{name}: expected {CaseVerdict.Show(want)}, got {CaseVerdict.Show(actual)}");
        }
    }

    private void RejectUnknown(string where, JsonObject expected, string[] known)
    {
        foreach (var (name, _) in expected)
        {
            if (Array.IndexOf(known, name) < 0)
            {
                verdict.Add($"{where}.{name} is not a member this runner knows; update the runner with the case format");
            }
        }
    }

    /// <summary>Names a token without printing a long one in full.</summary>
    private static string TokenName(string token) => token.Length <= 40 ? $"'{token}'" : $"'{token[..20]}…'";
}
