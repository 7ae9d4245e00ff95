using System.Collections.ObjectModel;

namespace ClientCredentials.Protocol;

/// <summary>
/// Everything in a <see cref="TokenCacheKey"/> except the scopes: the authority, the client, how scopes compare,
/// the token type, the <c>claims</c> challenge and any extra request parameters. A client builds one prefix for its
/// plain requests and shares it by reference between all their keys, so a cached token does not carry its own copy.
/// </summary>
/// <remarks>
/// Scopes compare case-insensitively for Microsoft Entra ID (which treats scopes that way) and ordinally for other
/// servers. Extra parameters compare as a set of name/value pairs, ignoring order. Immutable; the hash is computed once.
/// </remarks>
internal sealed class TokenCacheKeyPrefix : IEquatable<TokenCacheKeyPrefix>
{
    private readonly KeyValuePair<string, string>[] _canonicalExtraParameters;
    private readonly int _hashCode;

    private TokenCacheKeyPrefix(string authority, string clientId, bool scopesAreCaseInsensitive, string tokenType, string? claims, KeyValuePair<string, string>[] extraParameters)
    {
        Authority = authority;
        ClientId = clientId;
        ScopesAreCaseInsensitive = scopesAreCaseInsensitive;
        TokenType = tokenType;
        Claims = claims;
        ExtraParameters = extraParameters.Length == 0 ? ReadOnlyCollection<KeyValuePair<string, string>>.Empty : Array.AsReadOnly(extraParameters);
        _canonicalExtraParameters = CanonicalExtraParameters(extraParameters);
        _hashCode = ComputeHashCode();
    }

    /// <summary>The authority in canonical form (host and tenant), or the token endpoint URL of a generic server.</summary>
    public string Authority { get; }

    /// <summary>The <c>client_id</c> (RFC 6749 §2.2).</summary>
    public string ClientId { get; }

    /// <summary>True when scopes compare case-insensitively, as Microsoft Entra ID treats them.</summary>
    public bool ScopesAreCaseInsensitive { get; }

    /// <summary>The token type the token is requested for, usually <c>Bearer</c> (RFC 6750); compared case-insensitively.</summary>
    public string TokenType { get; }

    /// <summary>The <c>claims</c> request parameter (a claims challenge), or null.</summary>
    public string? Claims { get; }

    /// <summary>Extra token request parameters, in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraParameters { get; }

    /// <summary>Extra token request parameters sorted by name, then value: how they compare.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> SortedExtraParameters => _canonicalExtraParameters;

    /// <summary>
    /// Builds a prefix. <paramref name="authority"/> must already be canonical (it is compared ordinally). Throws
    /// <see cref="ArgumentException"/> for an empty authority, client id or token type, or an extra parameter with
    /// an empty name or a null value.
    /// </summary>
    public static TokenCacheKeyPrefix Create(
        string authority,
        string clientId,
        bool scopesAreCaseInsensitive,
        string tokenType = "Bearer",
        string? claims = null,
        IReadOnlyList<KeyValuePair<string, string>>? extraParameters = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(authority);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenType);
        return new TokenCacheKeyPrefix(authority, clientId, scopesAreCaseInsensitive, tokenType, string.IsNullOrEmpty(claims) ? null : claims, CopyExtraParameters(extraParameters));
    }

    /// <summary>A prefix of its own for the same authority, client and token type, with a <c>claims</c> challenge and extra parameters.</summary>
    public TokenCacheKeyPrefix With(string? claims, IReadOnlyList<KeyValuePair<string, string>>? extraParameters) =>
        Create(Authority, ClientId, ScopesAreCaseInsensitive, TokenType, claims, extraParameters);

    /// <inheritdoc />
    public bool Equals(TokenCacheKeyPrefix? other)
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
            && string.Equals(TokenType, other.TokenType, StringComparison.OrdinalIgnoreCase)
            && string.Equals(Claims, other.Claims, StringComparison.Ordinal)
            && SameExtraParameters(_canonicalExtraParameters, other._canonicalExtraParameters);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TokenCacheKeyPrefix);

    /// <inheritdoc />
    public override int GetHashCode() => _hashCode;

    /// <summary>" with claims", " +2 parameter(s)" or nothing: says they exist, never shows their values.</summary>
    public string QualifierSummary =>
        (Claims is null ? string.Empty : " with claims") +
        (_canonicalExtraParameters.Length == 0 ? string.Empty : $" +{_canonicalExtraParameters.Length} parameter(s)");

    /// <summary>Describes the prefix by authority and client id; never shows claims or extra parameter values.</summary>
    public override string ToString() => $"{Authority} client {ClientId}{QualifierSummary}";

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

    private static KeyValuePair<string, string>[] CanonicalExtraParameters(KeyValuePair<string, string>[] parameters)
    {
        if (parameters.Length == 0)
        {
            return parameters;
        }

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
