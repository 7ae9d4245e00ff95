using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ClientCredentials.Protocol;

/// <summary>
/// Turns a managed identity endpoint's answer into an <see cref="AccessToken"/> or a <see cref="TokenEndpointException"/>.
/// Success needs <c>access_token</c> and a lifetime: <c>expires_on</c> (epoch seconds as number or string, or a date
/// as older App Service versions send it) or <c>expires_in</c>. Errors come in four shapes, all mapped to the same
/// error fields: AAD's (<c>error</c>, <c>error_description</c>, <c>error_codes</c> — sometimes as the string
/// <c>"[500011]"</c>), IMDS's short one (<c>error</c>, <c>error_description</c>), App Service's
/// (<c>statusCode</c>, <c>message</c>, <c>correlationId</c>) and the nested one of Cloud Shell and Service Fabric
/// (<c>{"error":{"code","message","correlationId"}}</c>); anything else keeps a sanitized excerpt.
/// </summary>
internal static class ManagedIdentityResponseReader
{
    private static readonly long MaxLifetimeSeconds = (long)TimeSpan.FromDays(3650).TotalSeconds;

    private static readonly HashSet<string> Interpreted = new(StringComparer.Ordinal)
    {
        "access_token", "token_type", "expires_in", "expires_on", "refresh_in", "refresh_token",
    };

    public static AccessToken Read(HttpStatusCode status, HttpResponseHeaders headers, byte[] body, ManagedIdentityResponseContext context)
    {
        JsonDocument? document = null;
        JsonException? parseError = null;
        try
        {
            // RFC 8259 §8.1: JSON is UTF-8. Checked up front: members kept as raw text would fail to decode later.
            document = body.Length == 0 ? null
                : System.Text.Unicode.Utf8.IsValid(body) ? JsonDocument.Parse(body)
                : throw new JsonException("The body is not valid UTF-8.");
        }
        catch (JsonException ex)
        {
            parseError = ex;
        }

        using (document)
        {
            var root = document?.RootElement;
            var success = (int)status is >= 200 and < 300;
            if (root is { ValueKind: JsonValueKind.Object } json && (!success || HasError(json)))
            {
                throw Error(ErrorFrom(status, headers, json, context), context, parseError);
            }

            if (!success || root is not { ValueKind: JsonValueKind.Object } token)
            {
                throw Error(
                    new TokenEndpointError
                    {
                        StatusCode = status,
                        Error = TokenResponseReader.InvalidResponse,
                        ErrorDescription = success
                            ? (parseError is null ? "The response body is not a JSON object." : $"The {body.Length}-byte response body is not valid JSON ({parseError.Message}).")
                            : $"HTTP {(int)status} without a JSON error body.",
                        ResponseSnippet = success || body.AsSpan().IndexOf("access_token"u8) >= 0 ? null : ResponseExcerpt.Of(body),
                        CorrelationId = context.CorrelationId,
                        RetryAfter = RetryAfterHeader.Read(headers, context.RequestedAt),
                        Remedy = ManagedIdentityErrorRemedies.For(context.Source, status, null, null),
                    },
                    context,
                    parseError);
            }

            return TokenFrom(status, token, context);
        }
    }

    private static bool HasError(JsonElement json) =>
        json.TryGetProperty("error", out var error) && (error.ValueKind == JsonValueKind.Object || (error.ValueKind == JsonValueKind.String && error.GetRawText() != "\"\""));

    private static AccessToken TokenFrom(HttpStatusCode status, JsonElement json, ManagedIdentityResponseContext context)
    {
        var accessToken = StringOf(json, "access_token");
        if (string.IsNullOrEmpty(accessToken))
        {
            throw Invalid(status, context, json.TryGetProperty("access_token", out _) ? "The response's access_token is not a string of valid text." : "The response has no access_token.");
        }

        var expiresOn = ExpiresOn(status, json, context);
        DateTimeOffset? refreshOn = NumberOf(json, "refresh_in") is > 0 and var refreshIn ? context.RequestedAt.AddSeconds(Math.Min(refreshIn, MaxLifetimeSeconds)) : null;
        var tokenType = StringOf(json, "token_type");
        var additional = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in json.EnumerateObject())
        {
            if (!Interpreted.Contains(member.Name))
            {
                additional[member.Name] = member.Value.GetRawText();
            }
        }

        return new AccessToken(
            accessToken,
            string.IsNullOrEmpty(tokenType) ? "Bearer" : tokenType,
            expiresOn,
            refreshOn is { } r && r < expiresOn ? r : null,
            extendedExpiresOn: null,
            context.Scopes,
            context.CorrelationId,
            TokenSource.IdentityProvider)
        {
            AdditionalFields = additional.Count == 0 ? AccessToken.NoAdditionalFields : additional,
        };
    }

    /// <summary><c>expires_on</c> first (an absolute time: IMDS caches tokens, so its <c>expires_in</c> may count from an earlier issue), then <c>expires_in</c>.</summary>
    private static DateTimeOffset ExpiresOn(HttpStatusCode status, JsonElement json, ManagedIdentityResponseContext context)
    {
        DateTimeOffset expiresOn;
        if (json.TryGetProperty("expires_on", out var expiresOnValue) && expiresOnValue.ValueKind is JsonValueKind.Number or JsonValueKind.String)
        {
            if (NumberOf(json, "expires_on") is { } epoch)
            {
                expiresOn = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(epoch, 0, 253402300799));
            }
            else if (expiresOnValue.ValueKind == JsonValueKind.String &&
                     DateTimeOffset.TryParse(Text(expiresOnValue), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
            {
                expiresOn = parsed.ToUniversalTime();
            }
            else
            {
                throw Invalid(status, context, $"The response's expires_on ({expiresOnValue.GetRawText()}) is neither epoch seconds nor a date.");
            }
        }
        else if (NumberOf(json, "expires_in") is { } expiresIn)
        {
            if (expiresIn <= 0)
            {
                throw Invalid(status, context, $"The response gives a lifetime of {expiresIn} s; a token must live a positive time.");
            }

            if (expiresIn > MaxLifetimeSeconds)
            {
                throw Invalid(status, context, $"The response claims a lifetime over 10 years ({expiresIn} s); refusing to cache such a token.");
            }

            expiresOn = context.RequestedAt.AddSeconds(expiresIn);
        }
        else
        {
            throw Invalid(status, context, "The response has neither expires_on nor expires_in, so the token's lifetime is unknown.");
        }

        if (expiresOn <= context.RequestedAt)
        {
            throw Invalid(status, context, $"The token expired at {expiresOn:u}, before it was requested ({context.RequestedAt:u}); check the machine clock.");
        }

        if (expiresOn - context.RequestedAt > TimeSpan.FromSeconds(MaxLifetimeSeconds))
        {
            throw Invalid(status, context, "The response claims a lifetime over 10 years; refusing to cache such a token.");
        }

        return expiresOn;
    }

    private static TokenEndpointError ErrorFrom(HttpStatusCode status, HttpResponseHeaders headers, JsonElement json, ManagedIdentityResponseContext context)
    {
        string? code;
        string? description;
        string? correlationId;
        if (json.TryGetProperty("error", out var nested) && nested.ValueKind == JsonValueKind.Object)
        {
            code = StringOf(nested, "code");
            description = StringOf(nested, "message");
            correlationId = StringOf(nested, "correlationId") ?? StringOf(nested, "correlation_id");
        }
        else
        {
            code = StringOf(json, "error");
            description = StringOf(json, "error_description") ?? StringOf(json, "message");
            correlationId = StringOf(json, "correlation_id") ?? StringOf(json, "correlationId");
        }

        var codes = ErrorCodesOf(json);
        return new TokenEndpointError
        {
            StatusCode = status,
            Error = string.IsNullOrWhiteSpace(code) ? "managed_identity_error" : code,
            ErrorDescription = description,
            ErrorCodes = codes,
            TraceId = StringOf(json, "trace_id") ?? TokenEndpointErrorDescription.TraceId(description),
            CorrelationId = correlationId ?? TokenEndpointErrorDescription.CorrelationId(description) ?? context.CorrelationId,
            Timestamp = StringOf(json, "timestamp") ?? TokenEndpointErrorDescription.Timestamp(description),
            ErrorUri = StringOf(json, "error_uri"),
            RetryAfter = RetryAfterHeader.Read(headers, context.RequestedAt),
            Remedy = ManagedIdentityErrorRemedies.For(context.Source, status, code, description)
                ?? AadErrorRemedies.For(codes.Count > 0 ? codes : TokenEndpointErrorDescription.AadstsCodes(description)),
        };
    }

    /// <summary><c>error_codes</c> as an array of numbers, or the string <c>"[500011]"</c> some managed identity endpoints send.</summary>
    private static List<int> ErrorCodesOf(JsonElement json)
    {
        if (!json.TryGetProperty("error_codes", out var value))
        {
            return [];
        }

        var codes = new List<int>();
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out var number))
                {
                    codes.Add(number);
                }
            }
        }
        else if (value.ValueKind == JsonValueKind.String)
        {
            foreach (var part in (Text(value) ?? string.Empty).Trim('[', ']', ' ').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    codes.Add(number);
                }
            }
        }

        return codes;
    }

    private static string? StringOf(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && Text(value) is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;

    /// <summary>A JSON string's text, or null when its escapes do not decode to valid UTF-16 (a lone surrogate such as <c>\ud800</c>).</summary>
    private static string? Text(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A whole number given as a JSON number or a numeric string.</summary>
    private static long? NumberOf(JsonElement json, string name)
    {
        if (!json.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.TryGetInt64(out var whole) ? whole : value.TryGetDouble(out var fractional) && fractional is > long.MinValue and < long.MaxValue ? (long)fractional : null;
        }

        return value.ValueKind == JsonValueKind.String && long.TryParse(Text(value), NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }

    private static TokenEndpointException Invalid(HttpStatusCode status, ManagedIdentityResponseContext context, string description) =>
        Error(new TokenEndpointError { StatusCode = status, Error = TokenResponseReader.InvalidResponse, ErrorDescription = description, CorrelationId = context.CorrelationId }, context, null);

    private static TokenEndpointException Error(TokenEndpointError error, ManagedIdentityResponseContext context, Exception? inner) =>
        new(error, $"The managed identity endpoint ({ManagedIdentityDescriptions.Name(context.Source)})", inner);
}

/// <summary>What the managed identity response reader needs to know about the request it answers.</summary>
internal sealed record ManagedIdentityResponseContext(ManagedIdentitySource Source, IReadOnlyList<string> Scopes, string CorrelationId, DateTimeOffset RequestedAt);

/// <summary>Display names of the sources, for messages.</summary>
internal static class ManagedIdentityDescriptions
{
    public static string Name(ManagedIdentitySource source) => source switch
    {
        ManagedIdentitySource.AppService => "App Service",
        ManagedIdentitySource.AzureArc => "Azure Arc",
        ManagedIdentitySource.ServiceFabric => "Service Fabric",
        ManagedIdentitySource.CloudShell => "Cloud Shell",
        _ => "IMDS",
    };
}

/// <summary>One-line remedies for the managed identity failures met most.</summary>
internal static class ManagedIdentityErrorRemedies
{
    public static string? For(ManagedIdentitySource source, HttpStatusCode status, string? error, string? description)
    {
        var identityNotFound = description?.Contains("identity not found", StringComparison.OrdinalIgnoreCase) == true ||
                               description?.Contains("not been assigned", StringComparison.OrdinalIgnoreCase) == true;
        return (source, (int)status) switch
        {
            (ManagedIdentitySource.Imds, 400) when identityNotFound || error == "invalid_request" =>
                "no managed identity matching the request is assigned to this resource: enable the system-assigned identity, or attach the user-assigned identity and check its client id / object id / resource id.",
            (ManagedIdentitySource.Imds, 400) when error == "bad_request_102" =>
                "IMDS requires the header 'Metadata: true'; a proxy between the application and 169.254.169.254 may have removed it.",
            (ManagedIdentitySource.Imds, 404 or 410) =>
                "IMDS is being updated or the identity is still being assigned; it is retried, and should answer within about 70 seconds.",
            (ManagedIdentitySource.Imds, 403) =>
                "IMDS refused the request: a proxy or firewall between the application and 169.254.169.254 may be answering for it (set NO_PROXY=169.254.169.254).",
            (_, 400 or 404) when identityNotFound =>
                "no managed identity matching the request is assigned to this app: turn on the system-assigned identity, or add the user-assigned identity and check its id.",
            (ManagedIdentitySource.AppService, 401 or 403) =>
                "the App Service token endpoint refused X-IDENTITY-HEADER: use the current IDENTITY_HEADER (the platform rotates it; restart the process if it was cached elsewhere).",
            (ManagedIdentitySource.AzureArc, 401 or 403) =>
                "the Azure Arc agent refused the key: this process must be allowed to read the agent's key directory (Linux: the 'himds' group).",
            _ => null,
        };
    }
}
