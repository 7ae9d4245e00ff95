using System.Net.Http.Headers;
using Microsoft.Identity.Client;

namespace ClientCredentials.Protocol.Conformance.Msal;

/// <summary>
/// Gives MSAL an HttpClient configured as MSAL's own default factory configures one (MSAL.NET
/// <c>HttpClientConfig.ConfigureRequestHeadersAndSize</c>: default header <c>Accept: application/json</c>, 1 MiB response
/// buffer, no automatic decompression), but routed to the mock by <see cref="LoopbackRedirectHandler"/>.
/// </summary>
internal sealed class MsalHttpClientFactory : IMsalHttpClientFactory, IDisposable
{
    private readonly HttpClient _httpClient;

    public MsalHttpClientFactory(Uri mockBaseAddress)
    {
        _httpClient = new HttpClient(new LoopbackRedirectHandler(mockBaseAddress, new SocketsHttpHandler()))
        {
            MaxResponseContentBufferSize = 1024 * 1024,
            Timeout = TimeSpan.FromSeconds(30),
        };
        _httpClient.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public HttpClient GetHttpClient() => _httpClient;

    public void Dispose() => _httpClient.Dispose();
}
