using System.Security.Cryptography.X509Certificates;
using ClientCredentials.Protocol.Benchmarks.Fakes;
using Microsoft.Identity.Client;

namespace ClientCredentials.Protocol.Benchmarks.Contenders;

/// <summary>
/// Builds MSAL.NET confidential client applications that talk only to the given in-memory handler: the HTTP client
/// comes from <see cref="IMsalHttpClientFactory"/>, and instance discovery and authority validation are off, so MSAL
/// sends nothing but token requests (the handler's <see cref="CannedTokenEndpointHandler.OtherRequests"/> checks it).
/// </summary>
internal static class Msal
{
    /// <summary>A new application with its own (empty) in-memory app token cache; a certificate credential when one is given, else the secret.</summary>
    public static IConfidentialClientApplication CreateApplication(HttpMessageHandler handler, X509Certificate2? certificate = null) =>
        (certificate is null
            ? ConfidentialClientApplicationBuilder.Create(BenchmarkTenant.ClientId).WithClientSecret(BenchmarkTenant.ClientSecret)
            : ConfidentialClientApplicationBuilder.Create(BenchmarkTenant.ClientId).WithCertificate(certificate))
            .WithAuthority(BenchmarkTenant.AuthorityUrl, validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new FixedHttpClientFactory(new HttpClient(handler, disposeHandler: false)))
            .Build();

    /// <summary>Hands MSAL one HttpClient over the in-memory handler.</summary>
    private sealed class FixedHttpClientFactory(HttpClient httpClient) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => httpClient;
    }
}
