namespace ClientCredentials.Protocol;

/// <summary>
/// Where a managed identity token comes from. Detected from the environment variables each Azure host sets, in the
/// order MSAL.NET and Azure.Identity use: Service Fabric, App Service, Cloud Shell, Azure Arc, then IMDS.
/// </summary>
public enum ManagedIdentitySource
{
    /// <summary>
    /// App Service, Azure Functions and Container Apps: <c>IDENTITY_ENDPOINT</c> and <c>IDENTITY_HEADER</c>;
    /// <c>GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&amp;resource=…</c> with <c>X-IDENTITY-HEADER</c>.
    /// </summary>
    AppService,

    /// <summary>
    /// Azure Arc-enabled servers: <c>IDENTITY_ENDPOINT</c> and <c>IMDS_ENDPOINT</c>; <c>api-version=2019-11-01</c>,
    /// <c>Metadata: true</c>, answered first with 401 and <c>WWW-Authenticate: Basic realm={key file}</c>.
    /// </summary>
    AzureArc,

    /// <summary>
    /// Service Fabric: <c>IDENTITY_ENDPOINT</c>, <c>IDENTITY_HEADER</c> and <c>IDENTITY_SERVER_THUMBPRINT</c>; HTTPS to a
    /// server whose certificate is pinned by that SHA-1 thumbprint, <c>secret</c> header, <c>api-version=2019-07-01-preview</c>.
    /// </summary>
    ServiceFabric,

    /// <summary>Azure Cloud Shell: <c>MSI_ENDPOINT</c>; <c>POST resource=…</c> with <c>Metadata: true</c>.</summary>
    CloudShell,

    /// <summary>
    /// The Azure Instance Metadata Service of VMs, scale sets and AKS nodes:
    /// <c>GET http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&amp;resource=…</c> with
    /// <c>Metadata: true</c>. The host can be replaced with <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c> or
    /// <see cref="ManagedIdentityOptions.ImdsEndpoint"/>.
    /// </summary>
    Imds,
}
