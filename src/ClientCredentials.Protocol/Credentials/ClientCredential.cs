namespace ClientCredentials.Protocol;

/// <summary>
/// How the client authenticates to the token endpoint (RFC 6749 §2.3): a client secret, a certificate-signed JWT
/// assertion (RFC 7523 §2.2), an assertion from a callback, or a federated token file. One small type each.
/// </summary>
public abstract class ClientCredential
{
    private protected ClientCredential()
    {
    }

    /// <summary>Checks the credential against the authority before any request is sent.</summary>
    internal virtual void Validate(TokenAuthority authority, TimeProvider timeProvider)
    {
    }

    /// <summary>Adds the credential's form fields or header to one token request.</summary>
    internal abstract ValueTask ApplyAsync(ClientAuthenticationContext context, TokenRequestMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Called when the token endpoint rejected the credential: returns true when the credential now has something
    /// new to present (a rotated certificate), so that the request is sent once more.
    /// </summary>
    internal virtual ValueTask<bool> RenewAfterRejectionAsync(TokenEndpointError error, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        ValueTask.FromResult(false);

    /// <summary>True when the credential sends <c>client_id</c> itself (HTTP Basic); the body then omits it.</summary>
    internal virtual bool AuthenticatesInHeader => false;
}

/// <summary>What a credential needs to know about the request it authenticates.</summary>
internal sealed record ClientAuthenticationContext(string ClientId, Uri TokenEndpoint, TokenAuthority Authority, TimeProvider TimeProvider);
