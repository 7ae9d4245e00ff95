namespace ClientCredentials.Protocol.Extensions;

/// <summary>
/// Per-request settings read by the client credentials handler from <see cref="HttpRequestMessage.Options"/>.
/// </summary>
public static class ClientCredentialsHttpRequestOptions
{
    /// <summary>
    /// The Microsoft Entra tenant whose token this one request carries, for a service that calls many tenants through
    /// one named client: <c>request.Options.Set(ClientCredentialsHttpRequestOptions.Tenant, "contoso.onmicrosoft.com")</c>.
    /// Unset, or the client's own tenant: the client's own. Another tenant must be in the client's
    /// <see cref="ClientCredentialsOptions.AdditionallyAllowedTenants"/>; otherwise the request is not sent and a
    /// <see cref="ClientCredentialsConfigurationException"/> naming that setting is thrown.
    /// </summary>
    public static HttpRequestOptionsKey<string> Tenant { get; } = new("ClientCredentials.Protocol.Tenant");
}
