using ClientCredentials.Protocol.Benchmarks.Fakes;

namespace ClientCredentials.Protocol.Benchmarks.Contenders;

/// <summary>Builds <see cref="ClientCredentialsClient"/>s that talk only to the given in-memory handler.</summary>
internal static class ThisLibrary
{
    /// <summary>An Entra client for <see cref="BenchmarkTenant"/> with the default scope configured, and its own cache.</summary>
    public static ClientCredentialsClient CreateEntraClient(HttpMessageHandler handler, ClientCredential? credential = null) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.Entra(BenchmarkTenant.TenantId),
        ClientId = BenchmarkTenant.ClientId,
        Credential = credential ?? new ClientSecretCredential(BenchmarkTenant.ClientSecret),
        Scopes = [BenchmarkTenant.Scope],
        HttpClient = new HttpClient(handler, disposeHandler: false),
    });

    /// <summary>
    /// A client of a generic OAuth 2.0 server (free-form scopes) that stores its tokens in <paramref name="cache"/>;
    /// <paramref name="defaultScope"/>, when given, is what <see cref="ClientCredentialsClient.GetTokenAsync(CancellationToken)"/> asks for.
    /// </summary>
    public static ClientCredentialsClient CreateGenericClient(HttpMessageHandler handler, TokenCache cache, string? defaultScope = null) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.TokenEndpoint(BenchmarkTenant.GenericTokenEndpoint),
        ClientId = BenchmarkTenant.ClientId,
        Credential = new ClientSecretCredential(BenchmarkTenant.ClientSecret),
        Scopes = defaultScope is null ? [] : [defaultScope],
        HttpClient = new HttpClient(handler, disposeHandler: false),
        Cache = cache,
    });
}
