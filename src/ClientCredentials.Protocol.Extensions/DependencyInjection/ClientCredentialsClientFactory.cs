using System.Collections.Concurrent;
using ClientCredentials.Protocol.Extensions.Configuration;
using ClientCredentials.Protocol.Extensions.Credentials;
using ClientCredentials.Protocol.Extensions.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClientCredentials.Protocol.Extensions.DependencyInjection;

/// <summary>
/// Creates each named <see cref="ClientCredentialsClient"/> once, on first use: options (validated), authority, the
/// first credential that loads, the shared <see cref="TokenCache"/> with the name as cache partition, and the
/// token endpoint HttpClient from <see cref="IHttpClientFactory"/>. A failed creation is not remembered, so a
/// credential that appears later (a mounted file) is found on the next call.
/// </summary>
internal sealed class ClientCredentialsClientFactory(
    IOptionsMonitor<ClientCredentialsOptions> optionsMonitor,
    IEnumerable<ClientCredentialsRegistration> registrations,
    TokenCache cache,
    IHttpClientFactory httpClientFactory,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory,
    IServiceProvider services) : IClientCredentialsClientFactory
{
    private readonly HashSet<string> _names = registrations.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ClientCredentialsClient> _clients = new(StringComparer.Ordinal);
    private readonly object _creationGate = new();
    private readonly ILogger _logger = loggerFactory.CreateLogger("ClientCredentials.Protocol.Extensions");

    public ClientCredentialsClient Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_clients.TryGetValue(name, out var client))
        {
            return client;
        }

        if (!_names.Contains(name))
        {
            var path = ClientCredentialsDefaults.ConfigurationPathOf(name);
            throw new ClientCredentialsConfigurationException(
                path,
                $"No client credentials client is named '{name}'. Register it with services.AddClientCredentials(\"{name}\") (bound from {path}) or AddClientCredentials(\"{name}\", options => ...). Registered: {(_names.Count == 0 ? "none" : string.Join(", ", _names.Order(StringComparer.Ordinal)))}.");
        }

        lock (_creationGate)
        {
            return _clients.TryGetValue(name, out client) ? client : _clients[name] = Create(name);
        }
    }

    private ClientCredentialsClient Create(string name)
    {
        var options = optionsMonitor.Get(name);
        var authority = ConfiguredAuthority.Create(options, timeProvider);
        var credential = options.Credential
            ?? new CredentialChain(new CredentialSourceLoader(services, timeProvider), timeProvider, _logger).Select(name, options, authority);
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = authority,
            ClientId = options.ClientId!,
            Credential = credential,
            Scopes = options.Scopes.ToArray(),
            ClientCapabilities = options.ClientCapabilities.ToArray(),
            HttpClient = httpClientFactory.CreateClient(ClientCredentialsDefaults.TokenEndpointHttpClientName),
            Cache = cache,
            CachePartition = name,
            Resilience = options.Resilience,
            DefaultTokenLifetime = options.DefaultTokenLifetime,
            TimeProvider = timeProvider,
            LoggerFactory = loggerFactory,
            DPoPKey = options.UseDPoP ? DPoPProofKey.CreateEphemeral() : null,
        });
        ExtensionsLog.ClientCreated(_logger, name, client.ClientId, client.Authority);
        return client;
    }
}
