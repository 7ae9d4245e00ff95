using System.Buffers;
using System.Collections.ObjectModel;
using System.Text;
using System.Text.Json;

namespace ClientCredentials.Protocol;

/// <summary>
/// Identifies one cached token: who asks (<see cref="TokenRequester"/>: authority kind and authority, client id,
/// credential identity, partition), the Entra tenant, the scope set (RFC 6749 §3.3: order does not matter), the
/// <c>claims</c> challenge, the extra request parameters in the order they are sent, the token type and the key a
/// token is bound to (DPoP, RFC 9449), if any. Immutable; the hash is computed once, so a lookup with a reused key
/// costs one hash read and a reference comparison.
/// </summary>
/// <remarks>
/// <see cref="WriteCanonicalForm"/> gives the same bytes for equal keys in every process and version of this
/// format, so a cache shared by a fleet can name its entries by a hash of them.
/// </remarks>
internal sealed class TokenCacheKey : IEquatable<TokenCacheKey>
{
    /// <summary>The first element of the canonical form: names its layout, so that a change of layout changes every key.</summary>
    public const string CanonicalFormVersion = "cc-cache-key/1";

    /// <summary>The token type of a plain request (RFC 6750).</summary>
    public const string Bearer = "Bearer";

    private static readonly ReadOnlyCollection<KeyValuePair<string, string>> NoExtraParameters = ReadOnlyCollection<KeyValuePair<string, string>>.Empty;

    private readonly ScopeSet _scopes;
    private readonly int _hashCode;

    private TokenCacheKey(TokenRequester requester, string? tenant, ScopeSet scopes, string? claims, IReadOnlyList<KeyValuePair<string, string>> extraParameters, string tokenType, string? proofKey)
    {
        Requester = requester;
        Tenant = tenant;
        _scopes = scopes;
        Claims = claims;
        ExtraParameters = extraParameters;
        TokenType = tokenType;
        ProofKey = proofKey;
        _hashCode = ComputeHashCode();
    }

    /// <summary>Who asks: authority, client id, credential identity and partition.</summary>
    public TokenRequester Requester { get; }

    /// <summary>The Entra tenant the token is for, in lower case; null for other servers.</summary>
    public string? Tenant { get; }

    /// <summary>The scopes in the order given (the order the request sends them).</summary>
    public IReadOnlyList<string> Scopes => _scopes;

    /// <summary>The <c>claims</c> request parameter (a claims challenge), or null.</summary>
    public string? Claims { get; }

    /// <summary>Extra token request parameters with a value, in the order they are sent; the order is part of the key.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraParameters { get; }

    /// <summary>The token type asked for, usually <c>Bearer</c> (RFC 6750); compared case-insensitively.</summary>
    public string TokenType { get; }

    /// <summary>The thumbprint of the key a token is bound to (for example a DPoP key, RFC 9449 §6), or null for a bearer token.</summary>
    public string? ProofKey { get; }

    /// <summary>The authority in canonical form.</summary>
    public string Authority => Requester.Authority;

    /// <summary>The <c>client_id</c>.</summary>
    public string ClientId => Requester.ClientId;

    /// <summary>True when scopes compare case-insensitively.</summary>
    public bool ScopesAreCaseInsensitive => Requester.ScopesAreCaseInsensitive;

    /// <summary>
    /// Builds a key. The tenant is kept in lower case (Entra tenant ids and domains are case-insensitive). Throws
    /// <see cref="ArgumentException"/> for a scope that is empty or contains whitespace (RFC 6749 §3.3), an extra
    /// parameter with an empty name or a null value, or an empty token type. Extra parameters with an empty value are
    /// not sent, so they are left out of the key too.
    /// </summary>
    public static TokenCacheKey Create(
        TokenRequester requester,
        string? tenant,
        IReadOnlyList<string> scopes,
        string? claims = null,
        IReadOnlyList<KeyValuePair<string, string>>? extraParameters = null,
        string tokenType = Bearer,
        string? proofKey = null)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenType);
        return new TokenCacheKey(
            requester,
            string.IsNullOrEmpty(tenant) ? null : tenant.ToLowerInvariant(),
            ScopeSet.Of(CopyScopes(scopes), requester.ScopesAreCaseInsensitive),
            string.IsNullOrEmpty(claims) ? null : claims,
            CopyExtraParameters(extraParameters),
            tokenType,
            string.IsNullOrEmpty(proofKey) ? null : proofKey);
    }

    /// <summary>
    /// The same request for <paramref name="tenant"/>: this key when it already names that tenant (so lookups with it
    /// compare by reference), else a new key that shares the scope set.
    /// </summary>
    public TokenCacheKey ForTenant(string? tenant)
    {
        var lowerCase = string.IsNullOrEmpty(tenant) ? null : tenant.ToLowerInvariant();
        return string.Equals(lowerCase, Tenant, StringComparison.Ordinal)
            ? this
            : new(Requester, lowerCase, _scopes, Claims, ExtraParameters, TokenType, ProofKey);
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
            && Requester.Equals(other.Requester)
            && string.Equals(Tenant, other.Tenant, StringComparison.Ordinal)
            && string.Equals(_scopes.Canonical, other._scopes.Canonical, ScopesAreCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
            && string.Equals(Claims, other.Claims, StringComparison.Ordinal)
            && string.Equals(TokenType, other.TokenType, StringComparison.OrdinalIgnoreCase)
            && string.Equals(ProofKey, other.ProofKey, StringComparison.Ordinal)
            && SameExtraParameters(ExtraParameters, other.ExtraParameters);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TokenCacheKey);

    /// <inheritdoc />
    public override int GetHashCode() => _hashCode;

    /// <summary>
    /// Writes the canonical form: a UTF-8 JSON array (as <see cref="Utf8JsonWriter"/> writes it by default) of, in
    /// order, <see cref="CanonicalFormVersion"/>, the authority kind, the canonical authority, the tenant, the client
    /// id, the credential identity, the partition, the scopes (distinct, lower-cased when they compare
    /// case-insensitively, sorted ordinally), the claims, the extra parameters as <c>[name, value]</c> pairs in
    /// order, the token type in lower case and the proof key; an absent member is <c>null</c>. Equal keys write
    /// equal bytes. It contains no secret, but it does contain the client id and claims: hash it before it leaves
    /// the process.
    /// </summary>
    public void WriteCanonicalForm(IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var writer = new Utf8JsonWriter(destination);
        writer.WriteStartArray();
        writer.WriteStringValue(CanonicalFormVersion);
        writer.WriteStringValue(Requester.AuthorityKind);
        writer.WriteStringValue(Requester.Authority);
        WriteOptional(writer, Tenant);
        writer.WriteStringValue(Requester.ClientId);
        writer.WriteStringValue(Requester.CredentialIdentity);
        WriteOptional(writer, Requester.Partition);
        writer.WriteStartArray();
        foreach (var scope in CanonicalScopes())
        {
            writer.WriteStringValue(scope);
        }

        writer.WriteEndArray();
        WriteOptional(writer, Claims);
        writer.WriteStartArray();
        foreach (var (name, value) in ExtraParameters)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(name);
            writer.WriteStringValue(value);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteStringValue(TokenType.ToLowerInvariant());
        WriteOptional(writer, ProofKey);
        writer.WriteEndArray();
    }

    /// <summary>The canonical form (see <see cref="WriteCanonicalForm"/>) as a new byte array.</summary>
    public byte[] CanonicalForm()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteCanonicalForm(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Describes the key by authority, tenant, client id and scopes; never shows claims, extra parameter values or the credential identity.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Requester.Authority);
        if (Tenant is not null)
        {
            text.Append('/').Append(Tenant);
        }

        text.Append(" client ").Append(Requester.ClientId).Append(" scopes [").AppendJoin(' ', _scopes).Append(']');
        if (Claims is not null)
        {
            text.Append(" with claims");
        }

        if (ExtraParameters.Count > 0)
        {
            text.Append(" +").Append(ExtraParameters.Count).Append(" parameter(s)");
        }

        if (ProofKey is not null)
        {
            text.Append(' ').Append(TokenType).Append("-bound");
        }

        return text.ToString();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    private string[] CanonicalScopes()
    {
        var scopes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var scope in _scopes)
        {
            scopes.Add(ScopesAreCaseInsensitive ? scope.ToLowerInvariant() : scope);
        }

        return [.. scopes];
    }

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

    private static ReadOnlyCollection<KeyValuePair<string, string>> CopyExtraParameters(IReadOnlyList<KeyValuePair<string, string>>? parameters)
    {
        if (parameters is null || parameters.Count == 0)
        {
            return NoExtraParameters;
        }

        var copy = new List<KeyValuePair<string, string>>(parameters.Count);
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            if (string.IsNullOrWhiteSpace(parameter.Key) || parameter.Value is null)
            {
                throw new ArgumentException(
                    $"Extra parameter at index {i} has an empty name or a null value; give each parameter a name and a value (an empty string is allowed).",
                    nameof(parameters));
            }

            if (parameter.Value.Length > 0)
            {
                copy.Add(parameter);
            }
        }

        // Stryker disable once Conditional : an empty copy reads exactly like the shared empty list; only an allocation differs
        return copy.Count == 0 ? NoExtraParameters : copy.AsReadOnly();
    }

    private static bool SameExtraParameters(IReadOnlyList<KeyValuePair<string, string>> left, IReadOnlyList<KeyValuePair<string, string>> right)
    {
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        if (left.Count != right.Count)
        {
            return false;
        }

        for (var i = 0; i < left.Count; i++)
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
        hash.Add(Requester);
        hash.Add(Tenant, StringComparer.Ordinal);
        hash.Add(_scopes.Canonical, ScopesAreCaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        hash.Add(Claims, StringComparer.Ordinal);
        hash.Add(TokenType, StringComparer.OrdinalIgnoreCase);
        hash.Add(ProofKey, StringComparer.Ordinal);
        foreach (var (name, value) in ExtraParameters)
        {
            hash.Add(name, StringComparer.Ordinal);
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }
}
