using ClientCredentials.Protocol.Benchmarks.Fakes;
using Microsoft.Identity.Client;

namespace ClientCredentials.Protocol.Benchmarks.Tenants;

/// <summary>
/// One Entra <see cref="ClientCredentialsClient"/> (its own cache, big enough) holding one token per tenant, put
/// there through <see cref="TokenRequestParameters.Tenant"/> with one real request per tenant; or, for comparison, one
/// MSAL.NET application holding one token per tenant through <c>WithTenantId</c>.
/// </summary>
internal static class TenantFill
{
    /// <summary>The id of the <paramref name="index"/>-th tenant, GUID-shaped as Entra tenant ids are.</summary>
    public static string TenantAt(int index) => $"00000000-0000-0000-0000-{index:D12}";

    /// <summary>The tenant ids, created up front: they are the caller's data, like the token.</summary>
    public static string[] Tenants(int count)
    {
        var tenants = new string[count];
        for (var i = 0; i < tenants.Length; i++)
        {
            tenants[i] = TenantAt(i);
        }

        return tenants;
    }

    /// <summary>A client whose own cache holds up to twice <paramref name="tenantCount"/> tokens.</summary>
    public static ClientCredentialsClient CreateClient(HttpMessageHandler handler, int tenantCount) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.Entra(BenchmarkTenant.TenantId),
        ClientId = BenchmarkTenant.ClientId,
        Credential = new ClientSecretCredential(BenchmarkTenant.ClientSecret),
        Scopes = [BenchmarkTenant.Scope],
        HttpClient = new HttpClient(handler, disposeHandler: false),
        CacheOptions = new TokenCacheOptions { MaxEntries = Math.Max(tenantCount * 2, 10_000) },
    });

    /// <summary>Gets a token for every tenant, <paramref name="parallelism"/> at a time, each through a new parameters object.</summary>
    public static Task FillAsync(ClientCredentialsClient client, string[] tenants, int parallelism, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            tenants,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (tenant, ct) => await client.GetTokenAsync(new TokenRequestParameters(BenchmarkTenant.Scope) { Tenant = tenant }, ct).ConfigureAwait(false));

    /// <summary>Gets a token for every tenant from one MSAL.NET application with <c>WithTenantId</c>.</summary>
    public static Task FillMsalAsync(IConfidentialClientApplication application, string[] tenants, int parallelism, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            tenants,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (tenant, ct) => await application.AcquireTokenForClient([BenchmarkTenant.Scope]).WithTenantId(tenant).ExecuteAsync(ct).ConfigureAwait(false));
}
