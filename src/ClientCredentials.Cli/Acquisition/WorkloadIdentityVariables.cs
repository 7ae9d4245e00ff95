namespace ClientCredentials.Cli.Acquisition;

/// <summary>
/// The variables the Azure workload identity webhook injects into a pod (and Azure.Identity reads); used when the
/// matching options are absent.
/// </summary>
internal static class WorkloadIdentityVariables
{
    public const string ClientId = "AZURE_CLIENT_ID";
    public const string TenantId = "AZURE_TENANT_ID";
    public const string AuthorityHost = "AZURE_AUTHORITY_HOST";
    public const string FederatedTokenFile = "AZURE_FEDERATED_TOKEN_FILE";
}
