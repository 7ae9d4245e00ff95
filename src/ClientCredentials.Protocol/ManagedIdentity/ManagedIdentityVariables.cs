namespace ClientCredentials.Protocol;

/// <summary>The environment variables Azure hosts set for managed identity, as MSAL.NET and Azure.Identity read them.</summary>
internal static class ManagedIdentityVariables
{
    /// <summary>App Service, Service Fabric, Azure Arc: the local token endpoint.</summary>
    public const string IdentityEndpoint = "IDENTITY_ENDPOINT";

    /// <summary>App Service (<c>X-IDENTITY-HEADER</c>) and Service Fabric (<c>secret</c>): the SSRF-mitigation header value.</summary>
    public const string IdentityHeader = "IDENTITY_HEADER";

    /// <summary>Service Fabric: SHA-1 thumbprint of the token endpoint's server certificate.</summary>
    public const string IdentityServerThumbprint = "IDENTITY_SERVER_THUMBPRINT";

    /// <summary>Azure Arc: set together with <see cref="IdentityEndpoint"/>.</summary>
    public const string ImdsEndpoint = "IMDS_ENDPOINT";

    /// <summary>Cloud Shell: the token endpoint.</summary>
    public const string MsiEndpoint = "MSI_ENDPOINT";

    /// <summary>Replaces the IMDS host (AAD Pod Identity, and tests), as MSAL.NET and Azure.Identity honour it.</summary>
    public const string PodIdentityAuthorityHost = "AZURE_POD_IDENTITY_AUTHORITY_HOST";
}
