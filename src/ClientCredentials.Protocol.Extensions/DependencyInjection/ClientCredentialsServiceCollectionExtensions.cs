using ClientCredentials.Protocol;
using ClientCredentials.Protocol.Extensions;
using ClientCredentials.Protocol.Extensions.Configuration;
using ClientCredentials.Protocol.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers named OAuth 2.0 client credentials clients (RFC 6749 §4.4). Options are validated when the host starts;
/// resolve a client with <see cref="IClientCredentialsClientFactory.Get"/> or as a keyed
/// <see cref="ClientCredentialsClient"/>, or let <c>AddClientCredentialsHandler</c> attach its tokens to an HttpClient.
/// </summary>
public static class ClientCredentialsServiceCollectionExtensions
{
    /// <summary>Options of the shared <see cref="TokenCache"/>: defaults, with the largest shared request backstop.</summary>
    internal static readonly TokenCacheOptions SharedCacheOptions = new() { SharedRequestTimeout = TimeSpan.FromHours(1) };

    /// <summary>Registers the client <paramref name="name"/>, bound from the host configuration section <c>ClientCredentials:{name}</c>.</summary>
    public static IServiceCollection AddClientCredentials(this IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        Register(services, name)
            .Configure<IConfiguration>((options, configuration) =>
                ClientCredentialsConfigurationReader.Bind(configuration.GetSection(ClientCredentialsDefaults.ConfigurationPathOf(name)), options));
        return services;
    }

    /// <summary>Registers the client <paramref name="name"/>, bound from <paramref name="configuration"/> (the client's own section).</summary>
    public static IServiceCollection AddClientCredentials(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        Register(services, name).Configure(options => ClientCredentialsConfigurationReader.Bind(configuration, options));
        return services;
    }

    /// <summary>Registers the client <paramref name="name"/>, configured in code.</summary>
    public static IServiceCollection AddClientCredentials(this IServiceCollection services, string name, Action<ClientCredentialsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        Register(services, name).Configure(configure);
        return services;
    }

    private static OptionsBuilder<ClientCredentialsOptions> Register(IServiceCollection services, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        AddSharedServices(services);
        if (!services.Any(d => d.ServiceType == typeof(ClientCredentialsRegistration) && d.ImplementationInstance is ClientCredentialsRegistration r && r.Name == name))
        {
            services.AddSingleton(new ClientCredentialsRegistration(name));
            services.AddKeyedSingleton<ClientCredentialsClient>(name, static (provider, key) =>
                provider.GetRequiredService<IClientCredentialsClientFactory>().Get((string)key!));
        }

        return services.AddOptions<ClientCredentialsOptions>(name)
            .Configure(options => options.ConfigurationPath = ClientCredentialsDefaults.ConfigurationPathOf(name))
            .ValidateOnStart();
    }

    private static void AddSharedServices(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IClientCredentialsClientFactory)))
        {
            return;
        }

        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        // One cache for every named client. Its SharedRequestTimeout is only a backstop at the maximum (1 hour): each
        // client's own Resilience.TotalTimeout (at most 1 hour) always elapses first, so a TotalTimeout above the
        // cache's 30 s default is not cut short. Register a TokenCache singleton first to choose other cache options.
        // A registered TokenCacheSecondLevel (AddClientCredentialsDistributedCache of ClientCredentials.Protocol.Caching)
        // becomes its second level.
        services.TryAddSingleton(static provider => new TokenCache(
            SharedCacheOptions with { SecondLevel = provider.GetService<TokenCacheSecondLevel>() },
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger<TokenCache>()));
        services.TryAddSingleton<IClientCredentialsClientFactory, ClientCredentialsClientFactory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClientCredentialsOptions>, ClientCredentialsOptionsValidator>());

        // Token requests have their own timeouts (TokenRequestResilienceOptions), so the HttpClient has none; the
        // client holds its HttpClient for life, so connections are recycled to follow DNS changes, and redirects are
        // never followed (a 307/308 would post the secret or assertion again to the Location host).
        services.AddHttpClient(ClientCredentialsDefaults.TokenEndpointHttpClientName)
            .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(static () => TokenEndpointHttpHandler.Create());
    }
}
