using System.Security.Cryptography;
using System.Text;

namespace ClientCredentials.Protocol.Caching.Keys;

/// <summary>
/// Where one cache key lives in the store: the SHA-256 of its canonical form (the cache key text the memory cache gives its second level),
/// in hex behind the configured prefix, for the value and for the fleet lease. Nothing in a store key names the
/// client, the tenant, a scope or a token.
/// </summary>
internal sealed class StoreKey
{
    private StoreKey(byte[] hash, string prefix)
    {
        Hash = hash;
        Id = Convert.ToHexString(hash).ToLowerInvariant();
        Value = $"{prefix}t:{Id}";
        Lease = $"{prefix}l:{Id}";
    }

    /// <summary>SHA-256 of the canonical cache key, also written inside each value to tell a value moved from another key.</summary>
    public byte[] Hash { get; }

    /// <summary>The hash in lower-case hex: what notifications name.</summary>
    public string Id { get; }

    /// <summary>The store key of the token value.</summary>
    public string Value { get; }

    /// <summary>The Redis key of the lease that makes one instance of the fleet ask the token endpoint.</summary>
    public string Lease { get; }

    /// <summary>The store key for <paramref name="canonicalKey"/> behind <paramref name="prefix"/>.</summary>
    public static StoreKey For(string canonicalKey, string prefix) => new(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalKey)), prefix);

    /// <summary>The pub/sub channel on which a lease holder announces a stored token (the message is the key's <see cref="Id"/>).</summary>
    public static string ChannelFor(string prefix) => $"{prefix}stored";

    /// <summary>Shows the hash only.</summary>
    public override string ToString() => Id;
}
