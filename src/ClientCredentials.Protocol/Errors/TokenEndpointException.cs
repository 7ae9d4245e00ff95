using System.Net;

namespace ClientCredentials.Protocol;

/// <summary>
/// The token endpoint answered with an error: an RFC 6749 §5.2 error response, a 200 that carries
/// <c>error</c> or lacks <c>access_token</c>, or a body that is not JSON (then <see cref="ResponseSnippet"/>
/// holds a sanitized excerpt). AAD's extra fields (<c>error_codes</c>, <c>trace_id</c>, ...) are parsed when present.
/// </summary>
public sealed class TokenEndpointException : TokenAcquisitionException
{
    /// <summary>Creates the exception from the parsed fields of an error response.</summary>
    public TokenEndpointException(TokenEndpointError error, Exception? innerException = null)
        : base(TokenEndpointErrorMessage.Format(error), innerException)
    {
        Details = error;
    }

    /// <summary>Creates the exception for an error answered by <paramref name="subject"/> (for example a managed identity endpoint).</summary>
    internal TokenEndpointException(TokenEndpointError error, string subject, Exception? innerException)
        : base(TokenEndpointErrorMessage.Format(error, subject), innerException)
    {
        Details = error;
    }

    /// <summary>Every field parsed from the error response.</summary>
    public TokenEndpointError Details { get; }

    /// <summary>The HTTP status of the response.</summary>
    public HttpStatusCode StatusCode => Details.StatusCode;

    /// <summary>The RFC 6749 <c>error</c> code, for example <c>invalid_client</c>.</summary>
    public string Error => Details.Error;

    /// <summary>
    /// The <c>error_description</c>, as sent (AAD's trace lines included). Untrusted text: pass it through
    /// <see cref="UntrustedText.Neutralize"/> before printing or logging it (<see cref="Exception.Message"/> already is).
    /// </summary>
    public string? ErrorDescription => Details.ErrorDescription;

    /// <summary>AAD's <c>error_codes</c>: the AADSTS numbers, for example 7000215.</summary>
    public IReadOnlyList<int> ErrorCodes => Details.ErrorCodes;

    /// <summary>AAD's <c>suberror</c>, when present.</summary>
    public string? SubError => Details.SubError;

    /// <summary>A claims challenge (<c>claims</c>) to send with the next token request, when present.</summary>
    public string? Claims => Details.Claims;

    /// <summary>AAD's <c>trace_id</c>, for support requests.</summary>
    public string? TraceId => Details.TraceId;

    /// <summary>The <c>correlation_id</c> AAD echoed, or the <c>client-request-id</c> that was sent.</summary>
    public string? CorrelationId => Details.CorrelationId;

    /// <summary>AAD's <c>timestamp</c> of the error, as sent.</summary>
    public string? Timestamp => Details.Timestamp;

    /// <summary>The <c>error_uri</c> (RFC 6749 §5.2), when present.</summary>
    public string? ErrorUri => Details.ErrorUri;

    /// <summary>A one-line remedy for known AADSTS codes, or null.</summary>
    public string? Remedy => Details.Remedy;

    /// <summary>For bodies that are not a JSON error: at most 512 sanitized characters of what the server sent.</summary>
    public string? ResponseSnippet => Details.ResponseSnippet;

    /// <inheritdoc />
    public override TimeSpan? RetryAfter => Details.RetryAfter;

    /// <inheritdoc />
    public override bool IsTransient => Details.IsTransient;
}
