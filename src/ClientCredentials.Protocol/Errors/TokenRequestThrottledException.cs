namespace ClientCredentials.Protocol;

/// <summary>
/// The client refused to send a request because the token endpoint asked it to wait (<c>Retry-After</c>, or
/// AADSTS50196 "loop detected") and no cached token is still valid. No network request was made.
/// </summary>
public sealed class TokenRequestThrottledException : TokenAcquisitionException
{
    /// <summary>Creates the exception.</summary>
    public TokenRequestThrottledException(DateTimeOffset retryAt, TimeSpan retryAfter, TokenEndpointException? cause)
        : base($"Token requests for this client and scope are throttled until {retryAt:u} (retry in {Math.Ceiling(retryAfter.TotalSeconds)} s) because the token endpoint asked the client to back off" +
               (cause is null ? "." : $" ({UntrustedText.Neutralize(cause.Error, TokenEndpointErrorMessage.MaxErrorLength)}, HTTP {(int?)cause.StatusCode}). No request was sent."), cause)
    {
        RetryAt = retryAt;
        RetryAfterValue = retryAfter;
    }

    /// <summary>The moment after which requests for this key are sent again.</summary>
    public DateTimeOffset RetryAt { get; }

    private TimeSpan RetryAfterValue { get; }

    /// <inheritdoc />
    public override TimeSpan? RetryAfter => RetryAfterValue;

    /// <inheritdoc />
    public override bool IsTransient => true;
}
