using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Unicode;

namespace ClientCredentials.Protocol;

/// <summary>
/// Turns a token endpoint response into an <see cref="AccessToken"/> or a <see cref="TokenEndpointException"/>.
/// Success (RFC 6749 §5.1) needs <c>access_token</c> and a lifetime: <c>expires_in</c>, or v1 <c>expires_on</c>;
/// numbers may be strings. A 200 that carries <c>error</c> is an error. The body is strict JSON (RFC 8259): a
/// leading UTF-8 byte order mark is skipped (§8.1 allows it), a member named twice makes the body invalid (which value
/// counts would differ between parsers). Tokens and token types are visible ASCII, as an HTTP header value needs.
/// Lifetimes of zero or less, or longer than 10 years (MSAL ignores those too), are errors; Entra must send one, other
/// servers fall back to a configured default.
/// </summary>
internal static class TokenResponseReader
{
    /// <summary>The error code used when the body is not a valid OAuth response.</summary>
    public const string InvalidResponse = "invalid_response";

    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(3650);

    private static readonly long MaxLifetimeSeconds = (long)MaxLifetime.TotalSeconds;

    public static AccessToken Read(HttpStatusCode status, HttpResponseHeaders headers, ReadOnlySpan<byte> body, TokenResponseContext context)
    {
        TokenEndpointJson? json = null;
        JsonException? parseError = null;
        string? duplicate = null;
        var text = WithoutByteOrderMark(body);
        try
        {
            // RFC 8259 §8.1: JSON between systems is UTF-8. Checked up front because members this reader keeps as raw
            // JSON (AdditionalFields) would otherwise fail later, and not as a JsonException.
            json = text.IsEmpty ? null
                : Utf8.IsValid(text) ? TokenEndpointJsonReader.Read(text, out duplicate)
                : throw new JsonException("it is not UTF-8, RFC 8259 §8.1");
            if (duplicate is not null)
            {
                json = null;
            }
        }
        catch (JsonException ex)
        {
            parseError = ex;
        }

        var success = (int)status is >= 200 and < 300;
        if (json?.Error is { Length: > 0 })
        {
            throw new TokenEndpointException(ErrorFrom(status, headers, json, context));
        }

        if (!success || json is null)
        {
            // A body that holds an access token (any 2xx, or an error status that carries one, whole or cut short) is
            // never excerpted: the token would end up in logs.
            var holdsToken = success || body.IndexOf("access_token"u8) >= 0;
            throw new TokenEndpointException(
                new TokenEndpointError
                {
                    StatusCode = status,
                    Error = InvalidResponse,
                    ErrorDescription = success
                        ? (text.IsEmpty ? "The response body is empty."
                            : duplicate is not null ? $"The response body names the member '{UntrustedText.Neutralize(duplicate, 64)}' more than once."
                            : parseError is not null ? $"The {body.Length}-byte response body is not valid JSON ({parseError.Message})."
                            : "The response body is not a JSON object.")
                        : holdsToken ? $"HTTP {(int)status} without an OAuth error response; the body names an access_token, so no excerpt of it is kept."
                        : $"HTTP {(int)status} without an OAuth error response.",

                    // Other credential-looking values (a JWT, a Bearer credential, a client_assertion...) are redacted.
                    ResponseSnippet = holdsToken ? null : ResponseExcerpt.Of(body),
                    CorrelationId = context.CorrelationId,
                    RetryAfter = RetryAfterHeader.Read(headers, context.RequestedAt),
                },
                parseError);
        }

        if (string.IsNullOrEmpty(json.AccessToken))
        {
            throw Invalid(status, context, "The response has no access_token.");
        }

        // Both end up in an Authorization header: a control character or non-ASCII letter would fail every later request.
        if (!HeaderValueRule.IsValid(json.AccessToken))
        {
            throw Invalid(status, context, "The response's access_token is not a string of visible ASCII characters (RFC 6750 §2.1), so it cannot be sent in an Authorization header.");
        }

        // The token type becomes the Authorization scheme, which RFC 9110 §11.1 makes a token (§5.6.2).
        if (!string.IsNullOrEmpty(json.TokenType) && !HeaderValueRule.IsValidToken(json.TokenType))
        {
            throw Invalid(status, context, "The response's token_type is not an HTTP token (RFC 6749 §7.1, RFC 9110 §5.6.2: visible ASCII without delimiters), so it cannot be an Authorization scheme.");
        }

        var expiresOn = ExpiresOn(status, json, context);
        var refreshOn = json.RefreshIn is > 0 ? context.RequestedAt.AddSeconds(Math.Min(json.RefreshIn.Value, MaxLifetimeSeconds)) : (DateTimeOffset?)null;
        // ext_expires_in 0 is a value (no extension), not absence.
        var extendedExpiresOn = json.ExtExpiresIn is >= 0 ? context.RequestedAt.AddSeconds(Math.Min(json.ExtExpiresIn.Value, MaxLifetimeSeconds)) : (DateTimeOffset?)null;
        return new AccessToken(
            json.AccessToken,
            TokenTypeOf(json.TokenType),
            expiresOn,
            refreshOn is { } r && r < expiresOn ? r : null,
            extendedExpiresOn,
            context.Scopes,
            context.CorrelationId,
            TokenSource.IdentityProvider)
        {
            AdditionalFields = AdditionalFieldsOf(json),
            RegionalRoute = context.RegionalRoute,
        };
    }

    /// <summary>"Bearer" (the usual answer, and the default when absent) as one shared string, not a copy per cached token.</summary>
    private static string TokenTypeOf(string? tokenType) =>
        string.IsNullOrEmpty(tokenType) || string.Equals(tokenType, Bearer, StringComparison.Ordinal) ? Bearer : tokenType;

    private const string Bearer = "Bearer";

    /// <summary>Members this reader does not interpret (v1 <c>resource</c>, <c>not_before</c>, vendor fields), as raw JSON.</summary>
    private static IReadOnlyDictionary<string, string> AdditionalFieldsOf(TokenEndpointJson json)
    {
        if (json.Extra is not { Count: > 0 } extra)
        {
            return AccessToken.NoAdditionalFields;
        }

        return extra;
    }

    private static DateTimeOffset ExpiresOn(HttpStatusCode status, TokenEndpointJson json, TokenResponseContext context)
    {
        long seconds;
        if (json.ExpiresIn is { } expiresIn)
        {
            seconds = expiresIn;
        }
        else if (json.ExpiresOn is { } epoch)
        {
            seconds = Math.Clamp(epoch, 0, 253402300799) - context.RequestedAt.ToUnixTimeSeconds();
        }
        else if (context.AuthorityKind != AuthorityKind.Entra && context.DefaultLifetime is { } fallback)
        {
            seconds = (long)fallback.TotalSeconds;
        }
        else
        {
            throw Invalid(status, context, "The response has no expires_in (nor v1 expires_on), so the token's lifetime is unknown.");
        }

        // Checked as numbers before any conversion, so an absurd value is an invalid response, not an overflow. A token
        // that is already expired when it arrives would be sent only to be refused by the resource.
        if (seconds <= 0)
        {
            throw Invalid(status, context, seconds < 0
                ? $"The response gives a negative lifetime ({seconds} s)."
                : "The response gives a lifetime of 0 s: the token is expired on arrival.");
        }

        if (seconds > MaxLifetimeSeconds)
        {
            throw Invalid(status, context, $"The response claims a lifetime over 10 years ({seconds} s); refusing to cache such a token.");
        }

        var lifetime = TimeSpan.FromSeconds(seconds);
        return context.RequestedAt + lifetime;
    }

    private static ReadOnlySpan<byte> WithoutByteOrderMark(ReadOnlySpan<byte> body) =>
        body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? body[3..] : body;

    /// <summary>AAD sends <c>"trace_id":""</c> when it has none; an empty or blank field is absent.</summary>
    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static TokenEndpointException Invalid(HttpStatusCode status, TokenResponseContext context, string description) =>
        new(new TokenEndpointError { StatusCode = status, Error = InvalidResponse, ErrorDescription = description, CorrelationId = context.CorrelationId });

    private static TokenEndpointError ErrorFrom(HttpStatusCode status, HttpResponseHeaders headers, TokenEndpointJson json, TokenResponseContext context)
    {
        // error_codes as sent ([] when absent); the description's AADSTS code only picks the remedy.
        var codes = json.ErrorCodes ?? [];
        return new TokenEndpointError
        {
            StatusCode = status,
            Error = json.Error!,
            ErrorDescription = json.ErrorDescription,
            ErrorCodes = codes,
            SubError = NonEmpty(json.SubError),
            Claims = NonEmpty(json.Claims),
            TraceId = NonEmpty(json.TraceId) ?? TokenEndpointErrorDescription.TraceId(json.ErrorDescription),
            CorrelationId = NonEmpty(json.CorrelationId) ?? TokenEndpointErrorDescription.CorrelationId(json.ErrorDescription) ?? context.CorrelationId,
            Timestamp = NonEmpty(json.Timestamp) ?? TokenEndpointErrorDescription.Timestamp(json.ErrorDescription),
            ErrorUri = NonEmpty(json.ErrorUri),
            RetryAfter = RetryAfterHeader.Read(headers, context.RequestedAt),
            Remedy = AadErrorRemedies.For(codes.Length > 0 ? codes : TokenEndpointErrorDescription.AadstsCodes(json.ErrorDescription)),
        };
    }
}
