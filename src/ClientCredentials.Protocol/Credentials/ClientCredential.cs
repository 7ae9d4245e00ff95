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

    /// <summary>
    /// Checks, without sending anything, that this credential can authenticate to <paramref name="authority"/>: a
    /// certificate must hold a private key of a type the authority accepts, suit the configured algorithm, and be
    /// valid at <paramref name="timeProvider"/>'s current time. Other credentials are checked when they are created.
    /// <see cref="ClientCredentialsClient"/> runs this check when it is constructed; call it to pick one of several
    /// credentials before creating a client.
    /// </summary>
    /// <param name="authority">The authority the credential will authenticate to.</param>
    /// <param name="timeProvider">The clock for validity periods; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ClientCredentialsConfigurationException">The credential cannot be used with the authority; the message says what to fix.</exception>
    public void Validate(TokenAuthority authority, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(authority);
        ValidateCore(authority, timeProvider ?? TimeProvider.System);
    }

    /// <summary>The credential-specific part of <see cref="Validate"/>.</summary>
    private protected virtual void ValidateCore(TokenAuthority authority, TimeProvider timeProvider)
    {
    }

    /// <summary>
    /// The token endpoint authentication method this credential uses, as RFC 8414 names it in
    /// <c>token_endpoint_auth_methods_supported</c> (see <see cref="ClientAuthenticationMethods"/>). When the server's
    /// metadata lists its methods and this one is not among them, the request is refused before it is sent.
    /// </summary>
    public virtual string? AuthenticationMethod => null;

    /// <summary>True when the credential is a certificate presented on the TLS connection (RFC 8705): requests then go to
    /// the server's <c>mtls_endpoint_aliases</c> token endpoint when it has one.</summary>
    internal virtual bool PresentsTlsClientCertificate => false;

    /// <summary>Adds the credential's form fields or header to one token request.</summary>
    internal abstract ValueTask ApplyAsync(ClientAuthenticationContext context, TokenRequestMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Who the credential proves the client to be, as a token cache key holds it: the same for credentials that would
    /// obtain the same tokens, different otherwise, and never revealing a secret. This default is unique to the
    /// instance, so tokens are shared only between clients that use this very credential object.
    /// </summary>
    internal virtual string CacheIdentity => _instanceIdentity ??= "instance:" + Guid.NewGuid().ToString("N");

    private string? _instanceIdentity;

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
internal sealed record ClientAuthenticationContext(string ClientId, Uri TokenEndpoint, TokenAuthority Authority, TimeProvider TimeProvider)
{
    /// <summary>The server's metadata when the authority was found by its issuer.</summary>
    public AuthorizationServerMetadata? Metadata { get; init; }

    /// <summary>The issuer, from the metadata or the authority.</summary>
    // Stryker disable once NullCoalescing : only an issuer authority has metadata, whose issuer the reader requires to equal the authority's
    public string? Issuer => Metadata?.Issuer ?? Authority.Issuer;
}
