namespace ClientCredentials.Protocol;

/// <summary>
/// What an authorization server publishes about itself (RFC 8414 §2, OIDC Discovery 1.0 §3) that a client credentials
/// client reads: its issuer, token endpoint, the client authentication methods and signing algorithms it accepts, the
/// DPoP algorithms (RFC 9449 §5.1) and the mTLS token endpoint alias (RFC 8705 §5). A list is null when the document
/// does not name it (RFC 8414 then says <c>client_secret_basic</c> is the default method).
/// </summary>
public sealed record AuthorizationServerMetadata
{
    /// <summary>The <c>issuer</c>, identical to the issuer that was configured (RFC 8414 §3.3).</summary>
    public required string Issuer { get; init; }

    /// <summary>Where the document was read.</summary>
    public required Uri MetadataUri { get; init; }

    /// <summary>The <c>token_endpoint</c>.</summary>
    public required Uri TokenEndpoint { get; init; }

    /// <summary><c>token_endpoint_auth_methods_supported</c>, in the server's order; null when absent.</summary>
    public IReadOnlyList<string>? TokenEndpointAuthMethodsSupported { get; init; }

    /// <summary><c>token_endpoint_auth_signing_alg_values_supported</c>, in the server's order; null when absent.</summary>
    public IReadOnlyList<string>? TokenEndpointAuthSigningAlgValuesSupported { get; init; }

    /// <summary><c>dpop_signing_alg_values_supported</c> (RFC 9449 §5.1); null when absent.</summary>
    public IReadOnlyList<string>? DPoPSigningAlgValuesSupported { get; init; }

    /// <summary>The <c>token_endpoint</c> of <c>mtls_endpoint_aliases</c> (RFC 8705 §5): where a client that presents a
    /// certificate on the TLS connection posts its token requests; null when absent.</summary>
    public Uri? MtlsTokenEndpoint { get; init; }

    /// <summary>
    /// True for Microsoft Entra ID (its metadata carries <c>cloud_instance_name</c>) and AD FS (an issuer ending in
    /// <c>/adfs</c>), which accept only the token endpoint as a client assertion's <c>aud</c>: the automatic audience
    /// (<see cref="ClientAssertionAudience.Automatic"/>) then stays the token endpoint.
    /// </summary>
    public bool RequiresTokenEndpointAudience { get; init; }

    /// <summary>True when the server lists its authentication methods and <paramref name="method"/> is not one of them.</summary>
    internal bool Refuses(string method) =>
        TokenEndpointAuthMethodsSupported is { } methods && !methods.Contains(method, StringComparer.Ordinal);
}
