using System.Collections.ObjectModel;

namespace ClientCredentials.Protocol;

/// <summary>
/// Identifies one cached token: the authority, the client, the scope set (RFC 6749 §3.3: order does not matter),
/// the token type, the <c>claims</c> challenge and any extra request parameters. Immutable; the hash code is
/// computed once, so a cache lookup costs one hash read and, on a match, a few string comparisons.
/// </summary>
/// <remarks>
/// Scopes compare case-insensitively for Microsoft Entra ID (which treats scopes that way) and ordinally for
/// other servers. Extra parameters compare as a set of name/value pairs, ignoring order.
/// <see cref="ToString"/> shows only the authority, client id and scopes.
/// </remarks>
internal sealed class TokenCacheKey : IEquatable<TokenCacheKey>
{
    private readonly string _canonicalScopes;
    private readonly KeyValuePair<string, string>[] _canonicalExtraParameters;
    private readonly int _hashCode;

    private TokenCacheKey(
        string authority,
        string clientId,
        IReadOnlyList<string> scopes,
        string canonicalScopes,
        bool scopesAreCaseInsensitive,
        string tokenType,
        string? claims,
        IReadOnlyList<KeyValuePair<string, string>> extraParameters,
        KeyValuePair<string, string>[] canonicalExtraParameters)
    {
        Authority = authority;
        ClientId = clientId;
        Scopes = scopes;
        _canonicalScopes = canonicalScopes;
        ScopesAreCaseInsensitive = scopesAreCaseInsensitive;
        TokenType = tokenType;
        Claims = claims;
        ExtraParameters = extraParameters;
        _canonicalExtraParameters = canonicalExtraParameters;
        _hashCode = ComputeHashCode();
    }

    /// <summary>The authority in canonical form (host and tenant), or the token endpoint URL of a generic server.</summary>
    public string Authority { get; }

    /// <summary>The <c>client_id</c> (RFC 6749 §2.2).</summary>
    public string ClientId { get; }

    /// <summary>The scopes in the order given, as they are sent in the token request.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>True when scopes compare case-insensitively, as Microsoft Entra ID treats them.</summary>
    public bool ScopesAreCaseInsensitive { get; }

    /// <summary>The token type the token is requested for, usually <c>Bearer</c> (RFC 6750); compared case-insensitively.</summary>
    public string TokenType { get; }

    /// <summary>The <c>claims</c> request parameter (a claims challenge), or null.</summary>
    public string? Claims { get; }

    /// <summary>Extra token request parameters, in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraParameters { get; }

    /// <summary>
    /// Builds a key. <paramref name="authority"/> must already be canonical (the cache compares it ordinally).
    /// Throws <see cref="ArgumentException"/> for an empty authority, client id or token type, a scope that is
    /// empty or contains whitespace (RFC 6749 §3.3), or an extra parameter with an empty name or a null value.
    /// </summary>
    internal static TokenCacheKey Create(
        string authority,
        string clientId,
        IReadOnlyList<string> scopes,
        bool scopesAreCaseInsensitive,
        string tokenType = "Bearer",
        string? claims = null,
        IReadOnlyList<KeyValuePair<string, string>>? extraParameters = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(authority);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenType);

        var scopeCopy = CopyScopes(scopes);
        var extraCopy = CopyExtraParameters(extraParameters);
        return new TokenCacheKey(
            authority,
            clientId,
            Array.AsReadOnly(scopeCopy),
            CanonicalScopes(scopeCopy, scopesAreCaseInsensitive),
            scopesAreCaseInsensitive,
            tokenType,
            string.IsNullOrEmpty(claims) ? null : claims,
            extraCopy.Length == 0 ? ReadOnlyCollection<KeyValuePair<string, string>>.Empty : Array.AsReadOnly(extraCopy),
            CanonicalExtraParameters(extraCopy));
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
            && ScopesAreCaseInsensitive == other.ScopesAreCaseInsensitive
            && string.Equals(Authority, other.Authority, StringComparison.Ordinal)
            && string.Equals(ClientId, other.ClientId, StringComparison.Ordinal)
            && string.Equals(_canonicalScopes, other._canonicalScopes, StringComparison.Ordinal)
            && string.Equals(TokenType, other.TokenType, StringComparison.OrdinalIgnoreCase)
            && string.Equals(Claims, other.Claims, StringComparison.Ordinal)
            && SameExtraParameters(_canonicalExtraParameters, other._canonicalExtraParameters);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TokenCacheKey);

    /// <inheritdoc />
    public override int GetHashCode() => _hashCode;

    /// <summary>Describes the key by authority, client id and scopes; never shows claims or extra parameter values.</summary>
    public override string ToString() =>
        $"{Authority} client {ClientId} scopes [{string.Join(' ', Scopes)}]" +
        (Claims is null ? string.Empty : " with claims") +
        (_canonicalExtraParameters.Length == 0 ? string.Empty : $" +{_canonicalExtraParameters.Length} parameter(s)");

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

    private static KeyValuePair<string, string>[] CopyExtraParameters(IReadOnlyList<KeyValuePair<string, string>>? parameters)
    {
        if (parameters is null || parameters.Count == 0)
        {
            return [];
        }

        var copy = new KeyValuePair<string, string>[parameters.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            var parameter = parameters[i];
            if (string.IsNullOrWhiteSpace(parameter.Key) || parameter.Value is null)
            {
                throw new ArgumentException(
                    $"Extra parameter at index {i} has an empty name or a null value; give each parameter a name and a value (an empty string is allowed).",
                    nameof(parameters));
            }

            copy[i] = parameter;
        }

        return copy;
    }

    private static string CanonicalScopes(string[] scopes, bool caseInsensitive)
    {
        var normalized = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var scope in scopes)
        {
            normalized.Add(caseInsensitive ? scope.ToUpperInvariant() : scope);
        }

        return string.Join(' ', normalized);
    }

    private static KeyValuePair<string, string>[] CanonicalExtraParameters(KeyValuePair<string, string>[] parameters)
    {
        var sorted = (KeyValuePair<string, string>[])parameters.Clone();
        Array.Sort(sorted, static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Key, b.Key);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return sorted;
    }

    private static bool SameExtraParameters(KeyValuePair<string, string>[] left, KeyValuePair<string, string>[] right)
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        for (var i = 0; i < left.Length; i++)
        {
            if (!string.Equals(left[i].Key, right[i].Key, StringComparison.Ordinal) ||
                !string.Equals(left[i].Value, right[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private int ComputeHashCode()
    {
        var hash = new HashCode();
        hash.Add(Authority, StringComparer.Ordinal);
        hash.Add(ClientId, StringComparer.Ordinal);
        hash.Add(_canonicalScopes, StringComparer.Ordinal);
        hash.Add(ScopesAreCaseInsensitive);
        hash.Add(TokenType, StringComparer.OrdinalIgnoreCase);
        hash.Add(Claims, StringComparer.Ordinal);
        foreach (var parameter in _canonicalExtraParameters)
        {
            hash.Add(parameter.Key, StringComparer.Ordinal);
            hash.Add(parameter.Value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }
}
