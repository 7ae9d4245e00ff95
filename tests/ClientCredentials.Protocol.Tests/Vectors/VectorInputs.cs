using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ClientCredentials.Protocol.Tests.Vectors;

/// <summary>Builds the library objects a <c>token-endpoints.json</c> input describes.</summary>
internal static class TokenEndpointCases
{
    /// <summary>Creates the authority; <paramref name="handler"/> answers an OIDC discovery request with the vector's document.</summary>
    public static TokenAuthority Build(JsonObject input, out DiscoveryHandler handler)
    {
        handler = new DiscoveryHandler(input["discoveryDocument"]?.ToJsonString());
        return (string)input["type"]! switch
        {
            "entra" => TokenAuthority.Entra((string)input["tenant"]!, (string?)input["instance"]),
            "adfs" => TokenAuthority.Adfs(new Uri((string)input["authority"]!, UriKind.RelativeOrAbsolute)),
            "tokenEndpoint" => TokenAuthority.TokenEndpoint(new Uri((string)input["uri"]!, UriKind.RelativeOrAbsolute)),
            "oidcIssuer" => TokenAuthority.OidcIssuer(new Uri((string)input["issuer"]!, UriKind.RelativeOrAbsolute)),
            var other => throw new InvalidOperationException("Unknown authority type " + other),
        };
    }

    /// <summary>Serves one discovery document from memory and records the URL asked for; no network.</summary>
    internal sealed class DiscoveryHandler(string? document) : HttpMessageHandler
    {
        public Uri? RequestedUri { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            RequestedUri = request.RequestUri;
            return Task.FromResult(document is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(document, Encoding.UTF8, "application/json") });
        }
    }
}

/// <summary>Builds the HTTP request a <c>token-requests.json</c> input describes, the way the client does.</summary>
internal static class TokenRequestCases
{
    /// <summary>Headers the vectors pin. <c>x-client-Ver</c> (the build's version) and transport headers are not pinned.</summary>
    public static readonly string[] ComparedHeaders = ["Content-Type", "Accept", "Authorization", "client-request-id", "return-client-request-id", "x-client-SKU", "x-ms-lib-capability"];

    /// <summary>
    /// Builds the request through the client's own validation (scopes, claims, extra parameters, credential) and request
    /// factory; a refused input throws <see cref="ClientCredentialsConfigurationException"/>.
    /// </summary>
    public static HttpRequestMessage Create(JsonObject input)
    {
        var authority = TokenEndpointCases.Build(input["authority"]!.AsObject(), out var handler);
        var endpoint = authority.GetTokenEndpointAsync(new HttpClient(handler), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var credentialInput = input["credential"]!.AsObject();
        ClientCredential credential = (string)credentialInput["type"]! switch
        {
            "secret" => new ClientSecretCredential(
                (string)credentialInput["secret"]!,
                (string)credentialInput["transport"]! == "basic" ? ClientSecretTransport.BasicAuthentication : ClientSecretTransport.RequestBody),
            "assertion" => new ClientAssertionCredential((_, _) => ValueTask.FromResult((string)credentialInput["assertion"]!)),
            var other => throw new InvalidOperationException("Unknown credential type " + other),
        };

        var clientId = (string)input["clientId"]!;
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions { Authority = authority, ClientId = clientId, Credential = credential, HttpClient = new HttpClient(handler) });
        var requested = client.KeyFor(new TokenRequestParameters(input["scopes"]!.AsArray().Select(s => (string)s!).ToArray())
        {
            Claims = (string?)input["claims"],
            ExtraParameters = input["extraParameters"]!.AsArray().Select(p => new KeyValuePair<string, string>((string)p![0]!, (string)p[1]!)).ToArray(),
        });
        var context = new ClientAuthenticationContext(clientId, endpoint, authority, TimeProvider.System);
        return TokenRequestFactory.CreateAsync(context, credential, requested, requested.Claims, (string)input["correlationId"]!, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The header's value as sent, or null when the request does not carry it.</summary>
    public static string? HeaderValue(HttpRequestMessage request, string name)
    {
        if (name == "Content-Type")
        {
            return request.Content?.Headers.ContentType?.ToString();
        }

        return request.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
    }
}

/// <summary>Builds the certificate credential a <c>certificate-checks.json</c> input describes and signs one assertion at its time.</summary>
internal static class CertificateCheckCases
{
    public const string ClientId = VectorGenerator.ClientId;

    /// <summary>Throws <see cref="ClientCredentialsConfigurationException"/> when the input is refused.</summary>
    public static string CreateAssertion(JsonObject input)
    {
        var certificate = VectorFiles.LoadCertificate((string)input["certificate"]!, (string?)input["privateKey"]);
        var credential = new CertificateCredential(certificate, VectorGenerator.OptionsFrom(input));
        var kind = Enum.Parse<AuthorityKind>((string)input["authorityKind"]!);
        return credential.CreateAssertion(ClientId, new Uri("https://auth.example.com/oauth2/token"), kind, DateTimeOffset.FromUnixTimeSeconds((long)input["nowUnix"]!), VectorGenerator.Jti);
    }
}
