namespace ClientCredentials.Protocol;

/// <summary>
/// A shared token request did not complete within <see cref="TokenCacheOptions.SharedRequestTimeout"/>. The
/// request was cancelled and every caller waiting for it got this error; the next call starts a new request.
/// Always transient. Callers of <see cref="ClientCredentialsClient"/> see it only as the inner exception of a
/// <see cref="TokenEndpointUnreachableException"/> with <c>TimedOut</c> true, the one timeout type the client surfaces.
/// </summary>
public sealed class TokenRequestTimeoutException : TokenAcquisitionException
{
    /// <summary>Creates the exception for a request that exceeded <paramref name="timeout"/>.</summary>
    public TokenRequestTimeoutException(TimeSpan timeout, Exception? innerException = null)
        : base($"The token request did not complete within {timeout.TotalSeconds:0.###} s ({nameof(TokenCacheOptions)}.{nameof(TokenCacheOptions.SharedRequestTimeout)}); it was cancelled. Check that the token endpoint is reachable, or raise the timeout.", innerException)
    {
        Timeout = timeout;
    }

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
