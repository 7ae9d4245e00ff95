namespace ClientCredentials.Protocol;

/// <summary>
/// A token a <see cref="TokenCacheSecondLevel"/> returns, with the instant until which the instance that stored it
/// served it (its expiry minus that cache's <see cref="TokenCacheOptions.ExpiryBuffer"/>, or half a short lifetime).
/// </summary>
/// <param name="token">The stored token, its <see cref="AccessToken.RefreshOn"/> and <see cref="AccessToken.ExtendedExpiresOn"/> as the writer had them.</param>
/// <param name="freshUntil">The fresh-until instant the token was given to <see cref="TokenCacheSecondLevel.SetAsync"/> with.</param>
public sealed class TokenCacheSecondLevelEntry(AccessToken token, DateTimeOffset freshUntil)
{
    /// <summary>The stored token.</summary>
    public AccessToken Token { get; } = token ?? throw new ArgumentNullException(nameof(token));

    /// <summary>Served from memory while now is before this instant, as by the instance that stored it.</summary>
    public DateTimeOffset FreshUntil { get; } = freshUntil;
}
