using ClientCredentials.Protocol;
using ClientCredentials.Protocol.Extensions;
using ClientCredentials.Protocol.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the client credentials bearer-token handler to an <see cref="IHttpClientBuilder"/>.</summary>
public static class ClientCredentialsHttpClientBuilderExtensions
{
    /// <summary>
    /// Attaches tokens of the client <paramref name="clientName"/> for its configured <c>Scopes</c>. On a 401 the
    /// rejected token is invalidated and the request is sent once more with a new token (with the claims of a
    /// claims challenge); a request is never sent without a token — the token error is thrown instead. A request may
    /// name another Entra tenant with <see cref="ClientCredentialsHttpRequestOptions.Tenant"/> when the client's
    /// <c>AdditionallyAllowedTenants</c> allows it.
    /// </summary>
    public static IHttpClientBuilder AddClientCredentialsHandler(this IHttpClientBuilder builder, string clientName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientName);
        return builder.AddHttpMessageHandler(provider =>
        {
            var monitor = provider.GetRequiredService<IOptionsMonitor<ClientCredentialsOptions>>();
            return Create(provider, clientName, () => new TokenRequestParameters(monitor.Get(clientName).Scopes.ToArray()));
        });
    }

    /// <summary>As <see cref="AddClientCredentialsHandler(IHttpClientBuilder, string)"/>, for <paramref name="scopes"/> instead of the configured ones.</summary>
    public static IHttpClientBuilder AddClientCredentialsHandler(this IHttpClientBuilder builder, string clientName, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        return builder.AddClientCredentialsHandler(clientName, new TokenRequestParameters(scopes.ToArray()));
    }

    /// <summary>As <see cref="AddClientCredentialsHandler(IHttpClientBuilder, string)"/>, for <paramref name="parameters"/> (scopes, extra parameters).</summary>
    public static IHttpClientBuilder AddClientCredentialsHandler(this IHttpClientBuilder builder, string clientName, TokenRequestParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientName);
        ArgumentNullException.ThrowIfNull(parameters);
        return builder.AddHttpMessageHandler(provider => Create(provider, clientName, () => parameters));
    }

    private static ClientCredentialsHandler Create(IServiceProvider provider, string clientName, Func<TokenRequestParameters> parameters)
    {
        var monitor = provider.GetRequiredService<IOptionsMonitor<ClientCredentialsOptions>>();
        return new(
            provider.GetRequiredService<IClientCredentialsClientFactory>(),
            clientName,
            parameters,
            () => AllowListOf(monitor.Get(clientName)),
            provider.GetService<ILoggerFactory>()?.CreateLogger("ClientCredentials.Protocol.Extensions.Http") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
    }

    private static TenantAllowList AllowListOf(ClientCredentialsOptions options) =>
        options.AdditionallyAllowedTenants.Count == 0
            ? TenantAllowList.None
            : new TenantAllowList(options.AdditionallyAllowedTenants, $"{options.ConfigurationPath}:{nameof(ClientCredentialsOptions.AdditionallyAllowedTenants)}");
}
