namespace ClientCredentials.Protocol.Conformance.Msal;

/// <summary>
/// Sends every request to the test's WireMock.Net server instead of the host it names:
/// <c>https://login.test/t/oauth2/v2.0/token</c> goes to <c>http://127.0.0.1:{port}/login.test/t/oauth2/v2.0/token</c>.
/// MSAL refuses <c>http</c> authorities, so both clients are configured with the same https authority and reach the
/// mock through this handler; a request to any other host (instance discovery, IMDS) lands in the server's journal as
/// an unmatched request and fails the test.
/// </summary>
internal sealed class LoopbackRedirectHandler(Uri mockBaseAddress, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        request.RequestUri = new Uri(mockBaseAddress, original.Host + original.PathAndQuery);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        // Transparent, like a proxy: the answer is for the URL the client asked for. The library refuses an answer for
        // another URL, which is what a redirect its HttpClient followed looks like.
        request.RequestUri = original;
        return response;
    }
}
