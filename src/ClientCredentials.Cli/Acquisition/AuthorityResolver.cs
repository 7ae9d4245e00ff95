using ClientCredentials.Cli.Hosting;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Acquisition;

/// <summary>
/// Picks the <see cref="TokenAuthority"/> from exactly one of <c>--tenant</c>, <c>--authority</c>,
/// <c>--token-endpoint</c>, <c>--issuer</c>, or else from <c>AZURE_TENANT_ID</c> (+ <c>AZURE_AUTHORITY_HOST</c>).
/// The library validates the values (e.g. refuses <c>/common</c>) and throws its configuration error.
/// </summary>
internal static class AuthorityResolver
{
    public static TokenAuthority Resolve(AuthorityInput input, CliContext context)
    {
        var given = new (string Option, string? Value)[]
        {
            ("--tenant", input.Tenant), ("--authority", input.Authority), ("--token-endpoint", input.TokenEndpoint), ("--issuer", input.Issuer),
        }.Where(o => o.Value is not null).ToList();

        if (given.Count > 1)
        {
            throw new CliUsageException($"Give one authority, not {string.Join(" and ", given.Select(g => g.Option))}: --tenant for Entra ID, --authority for ADFS, --token-endpoint or --issuer for other servers.");
        }

        if (input.Instance is not null && input.Tenant is null && given.Count == 1)
        {
            throw new CliUsageException("--instance only applies to an Entra tenant (--tenant); remove it, or put the host in the URL you gave.");
        }

        if ((input.Region is not null || input.RegionalInstance is not null) && input.Tenant is null && given.Count == 1)
        {
            throw new CliUsageException("--region and --regional-instance only apply to an Entra tenant (--tenant).");
        }

        if (input.RegionalInstance is not null && input.Region is null)
        {
            throw new CliUsageException("--regional-instance needs --region: the region whose endpoint it is.");
        }

        if (given.Count == 0)
        {
            var tenant = context.GetEnvironmentVariable(WorkloadIdentityVariables.TenantId);
            if (string.IsNullOrWhiteSpace(tenant))
            {
                throw new CliUsageException($"No authority: give --tenant (Entra ID), --authority (ADFS), --token-endpoint or --issuer, or set {WorkloadIdentityVariables.TenantId}.");
            }

            var host = input.Instance ?? NullIfBlank(context.GetEnvironmentVariable(WorkloadIdentityVariables.AuthorityHost));
            return TokenAuthority.Entra(tenant, host, RegionOf(input, context));
        }

        var (option, value) = given[0];
        return option switch
        {
            "--tenant" => TokenAuthority.Entra(value!, input.Instance ?? NullIfBlank(context.GetEnvironmentVariable(WorkloadIdentityVariables.AuthorityHost)), RegionOf(input, context)),
            "--authority" => TokenAuthority.Adfs(ParseUrl(value!, option)),
            "--token-endpoint" => TokenAuthority.TokenEndpoint(ParseUrl(value!, option)),
            _ => TokenAuthority.OAuthIssuer(ParseUrl(value!, option), context.TimeProvider),
        };
    }

    /// <summary><c>--region</c> (or <c>none</c>) with <c>--regional-instance</c>; absent: the CLI environment's variables.</summary>
    private static EntraRegion RegionOf(AuthorityInput input, CliContext context) =>
        input.Region is null ? EntraRegion.FromEnvironment(context.GetEnvironmentVariable)
        : string.Equals(input.Region, "none", StringComparison.OrdinalIgnoreCase) ? EntraRegion.None
        : EntraRegion.Named(input.Region, input.RegionalInstance);

    public static string ResolveClientId(AuthorityInput input, CliContext context)
    {
        var clientId = input.ClientId ?? NullIfBlank(context.GetEnvironmentVariable(WorkloadIdentityVariables.ClientId));
        return clientId ?? throw new CliUsageException($"No client id: give --client-id (the application id of the app registration) or set {WorkloadIdentityVariables.ClientId}.");
    }

    private static Uri ParseUrl(string value, string option) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new CliConfigurationException(option, $"{option} '{value}' is not an absolute http(s) URL.");

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
