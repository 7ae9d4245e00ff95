namespace ClientCredentials.Protocol;

/// <summary>
/// An access token obtained with the client credentials grant (RFC 6749 §4.4), with the lifetimes the token
/// endpoint reported. Instances are immutable; <see cref="ToString"/> never reveals the token. Times are kept
/// as UTC instants: a value given with another offset comes back as the same instant in UTC.
/// </summary>
public sealed class AccessToken
{
    /// <summary>Marks an absent optional instant (UTC ticks are never negative).</summary>
    private const long NoInstant = -1;

    private readonly long _expiresOnTicks;
    private readonly long _refreshOnTicks;
    private readonly long _extendedExpiresOnTicks;

    /// <summary>Creates a token result. <paramref name="token"/> must be non-empty.</summary>
    public AccessToken(
        string token,
        string tokenType,
        DateTimeOffset expiresOn,
        DateTimeOffset? refreshOn,
        DateTimeOffset? extendedExpiresOn,
        IReadOnlyList<string> scopes,
        string? correlationId,
        TokenSource source,
        bool isExtendedLifetime = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentException.ThrowIfNullOrEmpty(tokenType);
        ArgumentNullException.ThrowIfNull(scopes);
        Token = token;
        TokenType = tokenType;
        _expiresOnTicks = expiresOn.UtcTicks;
        _refreshOnTicks = refreshOn?.UtcTicks ?? NoInstant;
        _extendedExpiresOnTicks = extendedExpiresOn?.UtcTicks ?? NoInstant;
        Scopes = scopes;
        CorrelationId = correlationId;
        Source = source;
        IsExtendedLifetime = isExtendedLifetime;
    }

    /// <summary>Copies <paramref name="template"/> with another <see cref="Source"/> and extended-lifetime flag.</summary>
    private AccessToken(AccessToken template, TokenSource source, bool isExtendedLifetime)
    {
        Token = template.Token;
        TokenType = template.TokenType;
        _expiresOnTicks = template._expiresOnTicks;
        _refreshOnTicks = template._refreshOnTicks;
        _extendedExpiresOnTicks = template._extendedExpiresOnTicks;
        Scopes = template.Scopes;
        AdditionalFields = template.AdditionalFields;
        CorrelationId = template.CorrelationId;
        Source = source;
        IsExtendedLifetime = isExtendedLifetime;
        RegionalRoute = template.RegionalRoute;
    }

    /// <summary>The access token to send as <c>Authorization: {TokenType} {Token}</c> (RFC 6750 §2.1).</summary>
    public string Token { get; }

    /// <summary>The <c>token_type</c> the endpoint returned, usually <c>Bearer</c> (RFC 6749 §7.1).</summary>
    public string TokenType { get; }

    /// <summary>When the token stops being valid, from <c>expires_in</c> or v1 <c>expires_on</c>.</summary>
    public DateTimeOffset ExpiresOn => Utc(_expiresOnTicks);

    /// <summary>When a proactive refresh should start: from AAD's <c>refresh_in</c>, or computed by the cache.</summary>
    public DateTimeOffset? RefreshOn => _refreshOnTicks == NoInstant ? null : Utc(_refreshOnTicks);

    /// <summary>
    /// From AAD's <c>ext_expires_in</c>: how long the resource keeps accepting the token when AAD itself is
    /// unavailable. Used only for the extended-lifetime fallback.
    /// </summary>
    public DateTimeOffset? ExtendedExpiresOn => _extendedExpiresOnTicks == NoInstant ? null : Utc(_extendedExpiresOnTicks);

    /// <summary>The scopes the token was requested for.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The <c>client-request-id</c> sent with the request that obtained the token.</summary>
    public string? CorrelationId { get; }

    /// <summary>Whether this result came from the identity provider or from the cache.</summary>
    public TokenSource Source { get; }

    /// <summary>
    /// True when the identity provider failed transiently and the cache served a token that is inside its
    /// expiry buffer (or within <c>ext_expires_in</c>) rather than failing the call.
    /// </summary>
    public bool IsExtendedLifetime { get; }

    /// <summary>
    /// Whether a regional Entra endpoint (ESTS-R) issued the token, or the global one after the regional endpoint failed
    /// (a network failure or 5xx); <see cref="Protocol.RegionalRoute.NotRegional"/> without a region.
    /// </summary>
    public RegionalRoute RegionalRoute { get; init; }

    /// <summary>
    /// Response members this library does not interpret, as raw JSON text by name (RFC 6749 §5.1 allows more
    /// parameters): for example v1 <c>resource</c> and <c>not_before</c>, or a server's own fields.
    /// </summary>
    public IReadOnlyDictionary<string, string> AdditionalFields { get; init; } = NoAdditionalFields;

    internal static IReadOnlyDictionary<string, string> NoAdditionalFields { get; } = new Dictionary<string, string>();

    /// <summary><see cref="ExpiresOn"/> as UTC ticks, read without building a <see cref="DateTimeOffset"/>.</summary>
    internal long ExpiresOnTicks => _expiresOnTicks;

    // Stryker disable once Conditional : its one reader compares it with now, and no now is before the -1 that marks absence
    /// <summary><see cref="ExtendedExpiresOn"/> as UTC ticks, or null.</summary>
    internal long? ExtendedExpiresOnTicks => _extendedExpiresOnTicks == NoInstant ? null : _extendedExpiresOnTicks;

    /// <summary>Returns a copy that reports a different <see cref="Source"/> and extended-lifetime flag.</summary>
    public AccessToken With(TokenSource source, bool isExtendedLifetime = false) => new(this, source, isExtendedLifetime);

    /// <summary>Describes the token without revealing it: type, expiry, source and a short fingerprint.</summary>
    public override string ToString() =>
        $"{TokenType} token {TokenFingerprint.Of(Token)} for [{string.Join(' ', Scopes)}], expires {ExpiresOn:u}, from {Source}" +
        (IsExtendedLifetime ? " (extended lifetime)" : string.Empty);

    private static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);
}

/// <summary>Which Entra endpoint issued a token when the authority has a region (ESTS-R).</summary>
public enum RegionalRoute : byte
{
    /// <summary>The authority has no region: the global endpoint.</summary>
    NotRegional,

    /// <summary>The regional endpoint, e.g. <c>westus2.login.microsoft.com</c>.</summary>
    Regional,

    /// <summary>The global endpoint, because the regional one failed for this request (network failure, timeout or 5xx).</summary>
    GlobalAfterRegionalFailure,
}

/// <summary>Where an <see cref="AccessToken"/> result came from.</summary>
public enum TokenSource
{
    /// <summary>A network request to the token endpoint returned it.</summary>
    IdentityProvider,

    /// <summary>The token cache returned it without a network request.</summary>
    Cache,

    /// <summary>
    /// The second cache level (<see cref="TokenCacheOptions.SecondLevel"/>, for example a store shared by a fleet)
    /// returned it without a network request: another instance, or this one before a restart, obtained it.
    /// </summary>
    DistributedCache,
}
