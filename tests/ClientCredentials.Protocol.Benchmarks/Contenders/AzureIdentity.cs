using Azure.Core.Pipeline;
using Azure.Identity;
using ClientCredentials.Protocol.Benchmarks.Fakes;

namespace ClientCredentials.Protocol.Benchmarks.Contenders;

/// <summary>
/// Builds Azure.Identity <see cref="Azure.Identity.ClientSecretCredential"/>s whose transport is the given in-memory
/// handler, with instance discovery off so only token requests are sent.
/// </summary>
internal static class AzureIdentity
{
    /// <summary>A new credential (it holds its own MSAL application and token cache).</summary>
    public static Azure.Identity.ClientSecretCredential CreateCredential(HttpMessageHandler handler) => new(
        BenchmarkTenant.TenantId,
        BenchmarkTenant.ClientId,
        BenchmarkTenant.ClientSecret,
        new ClientSecretCredentialOptions
        {
            AuthorityHost = AzureAuthorityHosts.AzurePublicCloud,
            DisableInstanceDiscovery = true,
            Transport = new HttpClientTransport(new HttpClient(handler, disposeHandler: false)),
        });
}
