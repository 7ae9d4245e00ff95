namespace ClientCredentials.Protocol;

/// <summary>
/// No HTTP response was received from the token endpoint: the connection failed, was reset, or a timeout
/// elapsed. Always transient; <see cref="Exception.InnerException"/> holds the network error.
/// </summary>
public sealed class TokenEndpointUnreachableException : TokenAcquisitionException
{
    /// <summary>Creates the exception for a request to <paramref name="tokenEndpoint"/>.</summary>
    public TokenEndpointUnreachableException(Uri tokenEndpoint, string? correlationId, bool timedOut, string message, Exception? innerException)
        : base(message, innerException)
    {
        TokenEndpoint = tokenEndpoint;
        CorrelationId = correlationId;
        TimedOut = timedOut;
    }

    /// <summary>The token endpoint the request was sent to.</summary>
    public Uri TokenEndpoint { get; }

    /// <summary>The <c>client-request-id</c> of the failed request.</summary>
    public string? CorrelationId { get; }

    /// <summary>True when a per-attempt timeout or the overall deadline elapsed.</summary>
    public bool TimedOut { get; }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
