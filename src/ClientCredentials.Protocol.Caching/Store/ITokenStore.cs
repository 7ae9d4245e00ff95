namespace ClientCredentials.Protocol.Caching.Store;

/// <summary>The three store operations the distributed cache needs, each on opaque bytes under an opaque key.</summary>
internal interface ITokenStore
{
    /// <summary>The value under <paramref name="key"/>, or null.</summary>
    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> until <paramref name="timeToLive"/> has passed.</summary>
    Task SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="key"/> if its value is still <paramref name="expected"/>.</summary>
    Task RemoveIfUnchangedAsync(string key, byte[] expected, CancellationToken cancellationToken);
}
