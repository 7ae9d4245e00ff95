namespace ClientCredentials.Protocol;

/// <summary>
/// What a token is requested for: scopes, an optional Entra tenant, an optional claims challenge, and extra form
/// parameters (for example RFC 8707 <c>resource</c> or an <c>audience</c> for servers that want one). Immutable.
/// Reuse one object for repeated requests: the client validates it once and keeps its cache key with it, so a cache
/// hit with it allocates nothing.
/// </summary>
public sealed record TokenRequestParameters
{
    // The request as the last client that used this object validated it; checked against the client on every use.
    private volatile ResolvedTokenRequest? _resolved;

    /// <summary>Creates parameters for <paramref name="scopes"/>.</summary>
    public TokenRequestParameters(params IReadOnlyList<string> scopes)
    {
        Scopes = scopes;
    }

    /// <summary>A copy (<c>with</c>): the copy is validated on its own first use.</summary>
    private TokenRequestParameters(TokenRequestParameters original)
    {
        Scopes = original.Scopes;
        Tenant = original.Tenant;
        Claims = original.Claims;
        ExtraParameters = original.ExtraParameters;
        CorrelationId = original.CorrelationId;
        ForceRefresh = original.ForceRefresh;
    }

    /// <summary>The scopes; for Entra exactly one <c>{resource}/.default</c>. Copied, so later changes to the given list have no effect.</summary>
    public IReadOnlyList<string> Scopes
    {
        get;
        init => field = value is null ? [] : [.. value];
    }

    /// <summary>
    /// The Microsoft Entra tenant (id or verified domain) to get this token from instead of the authority's, on the
    /// same instance (cloud): one client then serves any number of tenants, each cached apart. Checked like the
    /// authority's tenant before anything is sent (<c>common</c>, <c>organizations</c> and <c>consumers</c> are
    /// refused, AADSTS90010); setting it for an ADFS or other authority is a
    /// <see cref="ClientCredentialsConfigurationException"/> naming <c>Tenant</c>. Null: the authority's tenant.
    /// </summary>
    public string? Tenant { get; init; }

    /// <summary>A claims challenge to send as <c>claims</c> (from a <c>WWW-Authenticate</c> or an error response).</summary>
    public string? Claims { get; init; }

    /// <summary>
    /// Extra form parameters, sent in this order; they may not replace a parameter the library writes itself. The
    /// order is part of the cache key: the same parameters in another order are another request.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraParameters
    {
        get;
        init => field = value is null ? [] : [.. value];
    } = [];

    /// <summary>The <c>client-request-id</c> to send; a new GUID per request when null.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Skip the cached token and ask the identity provider (still shared with concurrent callers).</summary>
    public bool ForceRefresh { get; init; }

    /// <summary>The request validated for <paramref name="owner"/>, if this object was last used with it.</summary>
    internal ResolvedTokenRequest? ResolvedFor(object owner) => _resolved is { } resolved && ReferenceEquals(resolved.Owner, owner) ? resolved : null;

    /// <summary>Keeps <paramref name="resolved"/> for the next use with the same client.</summary>
    internal void Remember(ResolvedTokenRequest resolved) => _resolved = resolved;

    /// <summary>Equal when every member is: scopes and extra parameters compare as sequences, in order.</summary>
    public bool Equals(TokenRequestParameters? other) =>
        ReferenceEquals(this, other) || (other is not null
            && Scopes.SequenceEqual(other.Scopes, StringComparer.Ordinal)
            && string.Equals(Tenant, other.Tenant, StringComparison.Ordinal)
            && string.Equals(Claims, other.Claims, StringComparison.Ordinal)
            && ExtraParameters.SequenceEqual(other.ExtraParameters)
            && string.Equals(CorrelationId, other.CorrelationId, StringComparison.Ordinal)
            && ForceRefresh == other.ForceRefresh);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        // A string's own hash is ordinal, as Equals compares.
        var hash = new HashCode();
        foreach (var scope in Scopes)
        {
            hash.Add(scope);
        }

        hash.Add(Tenant);
        hash.Add(Claims);
        foreach (var (name, value) in ExtraParameters)
        {
            hash.Add(name);
            hash.Add(value);
        }

        hash.Add(CorrelationId);
        hash.Add(ForceRefresh);
        return hash.ToHashCode();
    }
}

/// <summary>
/// A <see cref="TokenRequestParameters"/> object as one client validated it: its cache key and the acquirer that
/// sends the request on a miss. <see cref="Owner"/> is the client (or credential) it belongs to.
/// </summary>
internal abstract class ResolvedTokenRequest(object owner, TokenCacheKey key) : ITokenAcquirer
{
    public object Owner { get; } = owner;

    public TokenCacheKey Key { get; } = key;

    public abstract ValueTask<AccessToken> AcquireAsync(TokenCacheKey key, CancellationToken cancellationToken);
}
