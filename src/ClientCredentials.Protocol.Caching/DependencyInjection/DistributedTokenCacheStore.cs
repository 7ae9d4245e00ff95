namespace ClientCredentials.Protocol.Caching;

/// <summary>Which registered service <c>AddClientCredentialsDistributedCache</c> stores tokens in.</summary>
public enum DistributedTokenCacheStore
{
    /// <summary>A registered <c>IConnectionMultiplexer</c> (Redis, with one request per key for the fleet) if there is one, else a registered <c>IDistributedCache</c>.</summary>
    Auto,

    /// <summary>The registered StackExchange.Redis <c>IConnectionMultiplexer</c>.</summary>
    Redis,

    /// <summary>The registered <c>IDistributedCache</c> (any engine; no fleet-wide lease).</summary>
    DistributedCache,
}
