namespace ClientCredentials.Protocol;

/// <summary>
/// Who asks for a token, as a cache key sees it: the kind of authority, the canonical authority (for Entra ID the
/// instance, without the tenant), the client id, the identity of the credential (never the secret itself, see
/// <see cref="ClientCredential.CacheIdentity"/>) and an optional partition. A client builds one and every key of
/// that client refers to it. Immutable; the hash is computed once.
/// </summary>
/// <remarks>
/// The credential identity is part of the key so that two clients with the same authority and client id but
/// different credentials never share a token through a shared <see cref="TokenCache"/>: a client whose secret is
/// wrong must not be served the token another client earned.
/// </remarks>
internal sealed class TokenRequester : IEquatable<TokenRequester>
{
    private readonly int _hashCode;

    public TokenRequester(string authorityKind, string authority, string clientId, string credentialIdentity, string? partition, bool scopesAreCaseInsensitive)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(authorityKind);
        ArgumentException.ThrowIfNullOrWhiteSpace(authority);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(credentialIdentity);
        AuthorityKind = authorityKind;
        Authority = authority;
        ClientId = clientId;
        CredentialIdentity = credentialIdentity;
        Partition = string.IsNullOrWhiteSpace(partition) ? null : partition.Trim();
        ScopesAreCaseInsensitive = scopesAreCaseInsensitive;
        _hashCode = HashCode.Combine(
            StringComparer.Ordinal.GetHashCode(AuthorityKind),
            StringComparer.Ordinal.GetHashCode(Authority),
            StringComparer.Ordinal.GetHashCode(ClientId),
            StringComparer.Ordinal.GetHashCode(CredentialIdentity),
            Partition is null ? 0 : StringComparer.Ordinal.GetHashCode(Partition),
            ScopesAreCaseInsensitive);
    }

    /// <summary>
    /// What kind of authority the authority string names (<c>entra</c>, <c>adfs</c>, <c>token-endpoint</c>,
    /// <c>oidc-issuer</c>, …), so that an issuer and a token endpoint with the same URL never share a token.
    /// </summary>
    public string AuthorityKind { get; }

    /// <summary>The authority in canonical form; for Entra ID the instance (<c>https://login.microsoftonline.com</c>) without the tenant.</summary>
    public string Authority { get; }

    /// <summary>The <c>client_id</c> (RFC 6749 §2.2).</summary>
    public string ClientId { get; }

    /// <summary>A stable identity of the credential that reveals nothing of the secret.</summary>
    public string CredentialIdentity { get; }

    /// <summary>Keeps tokens of clients that are otherwise alike apart (<see cref="ClientCredentialsClientOptions.CachePartition"/>); null for none.</summary>
    public string? Partition { get; }

    /// <summary>True when scopes compare case-insensitively, as Microsoft Entra ID and ADFS treat them.</summary>
    public bool ScopesAreCaseInsensitive { get; }

    /// <inheritdoc />
    public bool Equals(TokenRequester? other) =>
        ReferenceEquals(this, other) || (other is not null
            && _hashCode == other._hashCode
            && ScopesAreCaseInsensitive == other.ScopesAreCaseInsensitive
            && string.Equals(AuthorityKind, other.AuthorityKind, StringComparison.Ordinal)
            && string.Equals(Authority, other.Authority, StringComparison.Ordinal)
            && string.Equals(ClientId, other.ClientId, StringComparison.Ordinal)
            && string.Equals(CredentialIdentity, other.CredentialIdentity, StringComparison.Ordinal)
            && string.Equals(Partition, other.Partition, StringComparison.Ordinal));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TokenRequester);

    /// <inheritdoc />
    public override int GetHashCode() => _hashCode;

    /// <summary>Authority and client id; never the credential identity.</summary>
    public override string ToString() => $"{Authority} client {ClientId}";
}
