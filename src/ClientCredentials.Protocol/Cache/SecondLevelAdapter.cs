using System.Text;

namespace ClientCredentials.Protocol;

/// <summary>
/// Puts a public <see cref="TokenCacheSecondLevel"/> behind the cache's own seam: the key becomes its canonical form as
/// text (UTF-8 of <see cref="TokenCacheKey.CanonicalForm"/>), built on a miss, a write or a removal, never on a hit.
/// </summary>
internal sealed class SecondLevelAdapter(TokenCacheSecondLevel level) : ITokenCacheSecondLevel
{
    public static ITokenCacheSecondLevel? For(TokenCacheSecondLevel? level) => level is null ? null : new SecondLevelAdapter(level);

    public ValueTask<TokenCacheSecondLevelEntry?> TryGetAsync(TokenCacheKey key, CancellationToken cancellationToken) =>
        new(level.TryGetAsync(TextOf(key), cancellationToken));

    public ValueTask<TokenCacheSecondLevelEntry?> TryGetRefreshedAsync(TokenCacheKey key, AccessToken current, CancellationToken cancellationToken) =>
        new(level.TryGetRefreshedAsync(TextOf(key), current, cancellationToken));

    public ValueTask SetAsync(TokenCacheKey key, AccessToken token, DateTimeOffset freshUntil, CancellationToken cancellationToken) =>
        new(level.SetAsync(TextOf(key), token, freshUntil, cancellationToken));

    public ValueTask RemoveAsync(TokenCacheKey key, AccessToken rejected, CancellationToken cancellationToken) =>
        new(level.RemoveAsync(TextOf(key), rejected, cancellationToken));

    public ValueTask AcquisitionFailedAsync(TokenCacheKey key, CancellationToken cancellationToken) =>
        new(level.AcquisitionFailedAsync(TextOf(key), cancellationToken));

    private static string TextOf(TokenCacheKey key) => Encoding.UTF8.GetString(key.CanonicalForm());
}
