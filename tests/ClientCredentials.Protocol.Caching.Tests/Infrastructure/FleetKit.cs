using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ClientCredentials.Protocol.Caching.Tests.Infrastructure;

/// <summary>
/// What the distributed cache tests share: one Data Protection key ring (every "instance" of a fleet in a test uses it,
/// as instances share a key ring in production), the client secret, and clients built as an application would build
/// them — each "instance" its own <see cref="TokenCache"/> in memory, all with a second level on the same store.
/// </summary>
public static class FleetKit
{
    /// <summary>The client secret the tests use; it must never appear in the store.</summary>
    public const string Secret = "fleet-secret-Value-7f3a9c21d4e8b6";

    /// <summary>The resource scope the tests request.</summary>
    public const string Scope = "https://graph.microsoft.com/.default";

    /// <summary>The one key ring of the fleet.</summary>
    public static IDataProtectionProvider KeyRing { get; } = new EphemeralDataProtectionProvider();

    public static IDataProtector Protector { get; } = KeyRing.CreateProtector(DistributedTokenCache.ProtectorPurpose);

    /// <summary>A token endpoint answer: a JWT-sized token that is unique to the test.</summary>
    public static string NewToken() => "eyJ0eXAiOiJKV1QifQ." + Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=') + "." + new string('s', 400) + Guid.NewGuid().ToString("N");

    /// <summary>Options with a prefix of the test's own, so tests sharing a server never see each other's keys.</summary>
    public static DistributedTokenCacheOptions Options(TimeSpan? operationTimeout = null) => new()
    {
        KeyPrefix = $"t{Guid.NewGuid():N}:",

        // Generous on a loaded 2-core machine: a count of token requests must not change because a healthy call was slow.
        OperationTimeout = operationTimeout ?? TimeSpan.FromSeconds(2),
        LeasePollInterval = TimeSpan.FromMilliseconds(50),
    };

    public static DistributedTokenCache OnRedis(IConnectionMultiplexer redis, DistributedTokenCacheOptions options, ILogger? logger = null, IDataProtector? protector = null) =>
        DistributedTokenCache.OnRedis(redis, protector ?? Protector, options, logger);

    /// <summary>One instance of the service: a client with its own memory cache over the shared second level.</summary>
    public static ClientCredentialsClient Instance(LoopbackWireMock tokenEndpoint, TokenCacheSecondLevel secondLevel, string clientId = TestIds.SecretAppId, TimeProvider? timeProvider = null) =>
        new(new ClientCredentialsClientOptions
        {
            TimeProvider = timeProvider,
            Authority = TokenAuthority.Entra(TestIds.TenantId, tokenEndpoint.BaseAddress.ToString()),
            ClientId = clientId,
            Credential = new ClientSecretCredential(Secret),
            Scopes = [Scope],
            CacheOptions = new TokenCacheOptions { SecondLevel = secondLevel, SharedRequestTimeout = TimeSpan.FromSeconds(60) },
        });

    /// <summary>The token endpoint path of the test tenant.</summary>
    public const string TokenPath = "/" + TestIds.TenantId + "/oauth2/v2.0/token";
}
