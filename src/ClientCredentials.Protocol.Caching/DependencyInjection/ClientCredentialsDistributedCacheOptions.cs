using Microsoft.AspNetCore.DataProtection;

namespace ClientCredentials.Protocol.Caching;

/// <summary>
/// How <c>AddClientCredentialsDistributedCache</c> builds the distributed cache of the shared <see cref="TokenCache"/>:
/// bound from the configuration section <c>ClientCredentials:DistributedCache</c>, then changed by code.
/// </summary>
public sealed class ClientCredentialsDistributedCacheOptions
{
    /// <summary>The configuration section read: <c>ClientCredentials:DistributedCache</c>.</summary>
    public const string ConfigurationSection = "ClientCredentials:DistributedCache";

    /// <summary>Where tokens are stored (configuration key <c>Store</c>: <c>Auto</c>, <c>Redis</c>, <c>DistributedCache</c>). Default <see cref="DistributedTokenCacheStore.Auto"/>.</summary>
    public DistributedTokenCacheStore Store { get; set; }

    /// <summary>Key prefix, timeouts, breaker and lease (configuration keys of the same names as its properties).</summary>
    public DistributedTokenCacheOptions Cache { get; set; } = new();

    /// <summary>
    /// The protector of the stored values. Default: the registered Data Protection provider's protector for
    /// <see cref="DistributedTokenCache.ProtectorPurpose"/>; every instance needs the same application name and key ring.
    /// </summary>
    public IDataProtector? Protector { get; set; }
}
