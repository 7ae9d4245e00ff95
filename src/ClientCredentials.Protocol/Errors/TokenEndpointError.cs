using System.Net;

namespace ClientCredentials.Protocol;

/// <summary>
/// The fields of a token endpoint error response (RFC 6749 §5.2) with AAD's additions. Immutable. The text fields
/// hold what the server sent: pass them through <see cref="UntrustedText.Neutralize"/> before printing them
/// (<see cref="ToString"/> and the exception's message already do). <see cref="ResponseSnippet"/> never holds a
/// credential-looking value.
/// </summary>
public sealed record TokenEndpointError
{
    /// <summary>The HTTP status of the response.</summary>
    public required HttpStatusCode StatusCode { get; init; }

    /// <summary>The <c>error</c> code; <c>invalid_response</c> when the body was not an OAuth error.</summary>
    public required string Error { get; init; }

    /// <summary>The <c>error_description</c>.</summary>
    public string? ErrorDescription { get; init; }

    /// <summary>
    /// The human part of <see cref="ErrorDescription"/> on one line: AAD ends descriptions with
    /// <c>Trace ID: … Correlation ID: … Timestamp: …</c> (on their own lines, or space separated), which this leaves
    /// out because <see cref="TraceId"/>, <see cref="CorrelationId"/> and <see cref="Timestamp"/> hold them. Null when
    /// the description is absent or blank.
    /// </summary>
    public string? ErrorSummary => TokenEndpointErrorDescription.FirstLine(ErrorDescription);

    /// <summary>AAD's numeric <c>error_codes</c>.</summary>
    public IReadOnlyList<int> ErrorCodes { get; init; } = [];

    /// <summary>AAD's <c>suberror</c>.</summary>
    public string? SubError { get; init; }

    /// <summary>A claims challenge.</summary>
    public string? Claims { get; init; }

    /// <summary>AAD's <c>trace_id</c>; parsed from the description when the field is absent.</summary>
    public string? TraceId { get; init; }

    /// <summary>AAD's <c>correlation_id</c>; the sent <c>client-request-id</c> when absent.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>AAD's <c>timestamp</c>.</summary>
    public string? Timestamp { get; init; }

    /// <summary>The <c>error_uri</c>.</summary>
    public string? ErrorUri { get; init; }

    /// <summary>The parsed <c>Retry-After</c> header (delta-seconds or HTTP-date, RFC 9110 §10.2.3).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// An excerpt (at most 512 characters) of a body that was not an OAuth error: control characters neutralised,
    /// and every credential-looking value (a JWT, a Bearer credential, an <c>access_token</c> or
    /// <c>client_assertion</c> member...) replaced by <c>[redacted]</c>.
    /// </summary>
    public string? ResponseSnippet { get; init; }

    /// <summary>A one-line remedy for a known AADSTS code.</summary>
    public string? Remedy { get; init; }

    /// <summary>True when a <c>use_dpop_nonce</c> answer came with a valid <c>DPoP-Nonce</c> header to retry with.</summary>
    internal bool DPoPNonceProvided { get; init; }

    /// <summary>
    /// The wait the server asked for: <see cref="RetryAfter"/> on a 429 or 503 (RFC 9110 §10.2.3, RFC 6585 §4), where
    /// it means "do not ask again before". The retry pipeline waits for it and client-side throttling honours it.
    /// </summary>
    public TimeSpan? ServerRequestedWait =>
        StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable ? RetryAfter : null;

    /// <summary>AADSTS50196: AAD detected a client calling in a loop and wants it to back off.</summary>
    public bool IsLoopDetected => ErrorCodes.Contains(LoopDetectedCode);

    internal const int LoopDetectedCode = 50196;

    /// <summary>The error as one line of neutralised, capped text (the exception's message); never the raw fields.</summary>
    public override string ToString() => TokenEndpointErrorMessage.Format(this);

    /// <summary>
    /// 5xx, 408, 429, 410 and <c>temporarily_unavailable</c> are transient. 410 is what the Azure Instance Metadata
    /// Service answers while it is being updated (available again within 70 s); token endpoints do not use it.
    /// </summary>
    public bool IsTransient =>
        (int)StatusCode >= 500 || StatusCode == HttpStatusCode.RequestTimeout || StatusCode == HttpStatusCode.TooManyRequests || StatusCode == HttpStatusCode.Gone ||
        string.Equals(Error, "temporarily_unavailable", StringComparison.Ordinal) ||
        string.Equals(Error, "server_error", StringComparison.Ordinal);
}
