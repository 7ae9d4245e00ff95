namespace ClientCredentials.Protocol.Extensions;

/// <summary>Names the integration uses by default.</summary>
public static class ClientCredentialsDefaults
{
    /// <summary>The configuration section whose children are named clients: <c>ClientCredentials</c>.</summary>
    public const string ConfigurationSection = "ClientCredentials";

    /// <summary>
    /// The <c>IHttpClientFactory</c> name of the HttpClient that sends token requests. Add handlers to it with
    /// <c>services.AddHttpClient(ClientCredentialsDefaults.TokenEndpointHttpClientName)</c> (a proxy, for example).
    /// </summary>
    public const string TokenEndpointHttpClientName = "ClientCredentials.TokenEndpoint";

    /// <summary>The configuration path of a named client: <c>ClientCredentials:{name}</c>.</summary>
    public static string ConfigurationPathOf(string name) => $"{ConfigurationSection}:{name}";
}
