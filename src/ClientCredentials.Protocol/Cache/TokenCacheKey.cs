namespace ClientCredentials.Protocol;

/// <summary>
/// Identifies one cached token: a <see cref="TokenCacheKeyPrefix"/> (authority, client, token type, <c>claims</c>,
/// extra parameters) and the scope set (RFC 6749 §3.3: order does not matter). Immutable; the hash code is computed
/// once, so a cache lookup costs one hash read and, on a match, a reference or string comparison or two. 40 bytes
/// plus the scopes when the prefix is shared, as a client shares it between its keys.
/// </summary>
/// <remarks><see cref="ToString"/> shows only the authority, client id and scopes.</remarks>
internal sealed class TokenCacheKey : IEquatable<TokenCacheKey>
{
    private readonly ScopeSet _scopes;
    private readonly int _hashCode;

    private TokenCacheKey(TokenCacheKeyPrefix prefix, ScopeSet scopes)
    {
        Prefix = prefix;
        _scopes = scopes;
        _hashCode = HashCode.Combine(prefix.GetHashCode(), (prefix.ScopesAreCaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal).GetHashCode(scopes.Canonical));
    }

    /// <summary>Everything but the scopes.</summary>
    public TokenCacheKeyPrefix Prefix { get; }

    /// <summary>The authority in canonical form (host and tenant), or the token endpoint URL of a generic server.</summary>
    public string Authority => Prefix.Authority;

    /// <summary>The <c>client_id</c> (RFC 6749 §2.2).</summary>
    public string ClientId => Prefix.ClientId;

    /// <summary>The scopes in the order given, as they are sent in the token request.</summary>
    public IReadOnlyList<string> Scopes => _scopes;

    /// <summary>True when scopes compare case-insensitively, as Microsoft Entra ID treats them.</summary>
    public bool ScopesAreCaseInsensitive => Prefix.ScopesAreCaseInsensitive;

    /// <summary>The token type the token is requested for, usually <c>Bearer</c> (RFC 6750).</summary>
    public string TokenType => Prefix.TokenType;

    /// <summary>The <c>claims</c> request parameter (a claims challenge), or null.</summary>
    public string? Claims => Prefix.Claims;

    /// <summary>Extra token request parameters, in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraParameters => Prefix.ExtraParameters;

    /// <summary>
    /// Builds a key with its own prefix. <paramref name="authority"/> must already be canonical (the cache compares
    /// it ordinally). Throws <see cref="ArgumentException"/> for an empty authority, client id or token type, a
    /// scope that is empty or contains whitespace (RFC 6749 §3.3), or an extra parameter with an empty name or a null value.
    /// </summary>
    internal static TokenCacheKey Create(
        string authority,
        string clientId,
        IReadOnlyList<string> scopes,
        bool scopesAreCaseInsensitive,
        string tokenType = "Bearer",
        string? claims = null,
        IReadOnlyList<KeyValuePair<string, string>>? extraParameters = null) =>
        Create(TokenCacheKeyPrefix.Create(authority, clientId, scopesAreCaseInsensitive, tokenType, claims, extraParameters), scopes);

    /// <summary>Builds a key that shares <paramref name="prefix"/>; the scopes are checked and copied.</summary>
    internal static TokenCacheKey Create(TokenCacheKeyPrefix prefix, IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(scopes);
        return new TokenCacheKey(prefix, ScopeSet.Of(CopyScopes(scopes), prefix.ScopesAreCaseInsensitive));
    }

    /// <inheritdoc />
    public bool Equals(TokenCacheKey? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return other is not null
            && _hashCode == other._hashCode
            && Prefix.Equals(other.Prefix)
            && string.Equals(_scopes.Canonical, other._scopes.Canonical, ScopesAreCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TokenCacheKey);

    /// <inheritdoc />
    public override int GetHashCode() => _hashCode;

    /// <summary>
    /// The key as text that is the same in every process for the same request (what a second cache level hashes):
    /// each part length-prefixed, so no value can pass for another part; scopes distinct and sorted, folded to lower
    /// case where they compare without case; the token type in lower case; extra parameters sorted by name and value.
    /// Built on a miss only. It contains the client id and claims in clear: never log or store it as is.
    /// </summary>
    internal string CanonicalForm()
    {
        var text = new System.Text.StringBuilder("ccp-key/1");
        Append(text, "authority", Authority);
        Append(text, "client", ClientId);
        Append(text, "type", TokenType.ToLowerInvariant());
        Append(text, "claims", Claims ?? string.Empty);
        foreach (var parameter in Prefix.SortedExtraParameters)
        {
            Append(text, "extra", parameter.Key);
            Append(text, "value", parameter.Value);
        }

        Append(text, "scopes", ScopesAreCaseInsensitive ? _scopes.Canonical.ToLowerInvariant() : _scopes.Canonical);
        return text.ToString();

        static void Append(System.Text.StringBuilder text, string name, string value) =>
            text.Append('\n').Append(name).Append('=').Append(value.Length).Append(':').Append(value);
    }

    /// <summary>Describes the key by authority, client id and scopes; never shows claims or extra parameter values.</summary>
    public override string ToString() => $"{Authority} client {ClientId} scopes [{string.Join(' ', Scopes)}]{Prefix.QualifierSummary}";

    private static string[] CopyScopes(IReadOnlyList<string> scopes)
    {
        var copy = new string[scopes.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            var scope = scopes[i];
            if (string.IsNullOrEmpty(scope) || scope.AsSpan().IndexOfAny(" \t\r\n") >= 0)
            {
                throw new ArgumentException(
                    $"Scope at index {i} is empty or contains whitespace; each scope must be a single scope-token (RFC 6749 §3.3), for example \"https://graph.microsoft.com/.default\".",
                    nameof(scopes));
            }

            copy[i] = scope;
        }

        return copy;
    }
}
