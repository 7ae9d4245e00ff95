using System.Globalization;
using ClientCredentials.Protocol;
using ClientCredentials.Protocol.Caching;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a distributed second cache level to the token cache that <c>AddClientCredentials</c> clients share.</summary>
public static class ClientCredentialsDistributedCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="DistributedTokenCache"/> as the <see cref="TokenCacheSecondLevel"/> of the shared
    /// <see cref="TokenCache"/>, on the registered <c>IConnectionMultiplexer</c> or <c>IDistributedCache</c> (see
    /// <see cref="ClientCredentialsDistributedCacheOptions.Store"/>), protected with ASP.NET Core Data Protection (added
    /// if missing). Options come from <c>ClientCredentials:DistributedCache</c> when an <see cref="IConfiguration"/> is
    /// registered, then from <paramref name="configure"/>. Nothing connects at start-up: an unreachable store is a miss.
    /// </summary>
    public static IServiceCollection AddClientCredentialsDistributedCache(this IServiceCollection services, Action<ClientCredentialsDistributedCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddDataProtection();
        services.AddOptions<ClientCredentialsDistributedCacheOptions>()
            .Configure<IServiceProvider>((options, provider) =>
            {
                if (provider.GetService<IConfiguration>() is { } configuration)
                {
                    Bind(configuration.GetSection(ClientCredentialsDistributedCacheOptions.ConfigurationSection), options);
                }
            });
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<TokenCacheSecondLevel>(static provider => Create(provider));
        return services;
    }

    private static DistributedTokenCache Create(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<ClientCredentialsDistributedCacheOptions>>().Value;
        var protector = options.Protector ?? provider.GetRequiredService<IDataProtectionProvider>().CreateProtector(DistributedTokenCache.ProtectorPurpose);
        var logger = provider.GetService<ILoggerFactory>()?.CreateLogger<DistributedTokenCache>();
        var timeProvider = provider.GetService<TimeProvider>();
        var redis = options.Store is DistributedTokenCacheStore.Auto or DistributedTokenCacheStore.Redis ? provider.GetService<IConnectionMultiplexer>() : null;
        if (redis is not null)
        {
            return DistributedTokenCache.OnRedis(redis, protector, options.Cache, logger, timeProvider);
        }

        var cache = options.Store is DistributedTokenCacheStore.Auto or DistributedTokenCacheStore.DistributedCache ? provider.GetService<IDistributedCache>() : null;
        if (cache is not null)
        {
            return DistributedTokenCache.OnDistributedCache(cache, protector, options.Cache, logger, timeProvider);
        }

        var key = $"{ClientCredentialsDistributedCacheOptions.ConfigurationSection}:Store";
        throw new ClientCredentialsConfigurationException(key, options.Store switch
        {
            DistributedTokenCacheStore.Redis => $"{key} is Redis, but no StackExchange.Redis IConnectionMultiplexer is registered; register one (ConnectionMultiplexer.Connect with AbortOnConnectFail = false) or set {key} to DistributedCache.",
            DistributedTokenCacheStore.DistributedCache => $"{key} is DistributedCache, but no IDistributedCache is registered; register one (for example AddStackExchangeRedisCache) or set {key} to Redis.",
            _ => $"The distributed token cache needs a store: register a StackExchange.Redis IConnectionMultiplexer (one token request per key for the fleet) or an IDistributedCache before resolving the clients.",
        });
    }

    /// <summary>Binds the section by hand (no reflection binder), naming the key of a bad value.</summary>
    private static void Bind(IConfigurationSection section, ClientCredentialsDistributedCacheOptions options)
    {
        if (section[nameof(options.Store)] is { Length: > 0 } store)
        {
            options.Store = Enum.TryParse<DistributedTokenCacheStore>(store, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw Invalid(section, nameof(options.Store), store, "Auto, Redis or DistributedCache");
        }

        var cache = options.Cache;
        cache = section[nameof(cache.KeyPrefix)] is { Length: > 0 } prefix ? cache with { KeyPrefix = prefix } : cache;
        cache = ReadTime(section, nameof(cache.OperationTimeout)) is { } operationTimeout ? cache with { OperationTimeout = operationTimeout } : cache;
        cache = ReadTime(section, nameof(cache.BreakDuration)) is { } breakDuration ? cache with { BreakDuration = breakDuration } : cache;
        cache = ReadTime(section, nameof(cache.LeaseDuration)) is { } leaseDuration ? cache with { LeaseDuration = leaseDuration } : cache;
        cache = ReadTime(section, nameof(cache.LeasePollInterval)) is { } pollInterval ? cache with { LeasePollInterval = pollInterval } : cache;
        if (section[nameof(cache.BreakerMinimumThroughput)] is { Length: > 0 } throughput)
        {
            cache = cache with { BreakerMinimumThroughput = int.TryParse(throughput, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw Invalid(section, nameof(cache.BreakerMinimumThroughput), throughput, "a whole number") };
        }

        if (section[nameof(cache.FleetSingleFlight)] is { Length: > 0 } fleet)
        {
            cache = cache with { FleetSingleFlight = bool.TryParse(fleet, out var value) ? value : throw Invalid(section, nameof(cache.FleetSingleFlight), fleet, "true or false") };
        }

        options.Cache = cache;
    }

    private static TimeSpan? ReadTime(IConfigurationSection section, string name) =>
        section[name] is not { Length: > 0 } text ? null
        : TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value
        : throw Invalid(section, name, text, "a time span such as 00:00:00.050");

    private static ClientCredentialsConfigurationException Invalid(IConfigurationSection section, string name, string value, string expected) =>
        new($"{section.Path}:{name}", $"{section.Path}:{name} is '{value}'; expected {expected}.");
}
