namespace ClientCredentials.Protocol;

/// <summary>
/// The rule for a Microsoft Entra tenant, wherever one is given (the authority, or one request): a tenant id (GUID)
/// or a verified domain, nothing that a URL resolver could read as a path, and not a multi-tenant alias, which cannot
/// issue app-only tokens.
/// </summary>
internal static class EntraTenant
{
    private static readonly string[] MultiTenantAliases = ["common", "organizations", "consumers"];

    /// <summary>A DNS name has at most 253 characters; a GUID 36.</summary>
    private const int MaxTenantLength = 253;

    /// <summary>
    /// Returns the tenant trimmed, or throws <see cref="ClientCredentialsConfigurationException"/> naming
    /// <paramref name="setting"/>: empty, one of the multi-tenant aliases (AADSTS90010), a character other than an
    /// ASCII letter, digit, <c>-</c>, <c>.</c> or <c>_</c> (so no URL, path, query, percent-encoding or non-ASCII),
    /// not starting with a letter or digit, ending with <c>.</c> (also <c>.</c> and <c>..</c>), or too long.
    /// </summary>
    public static string Validate(string? tenant, string setting = "Tenant")
    {
        if (string.IsNullOrWhiteSpace(tenant))
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} is required for Entra ID: give the tenant id (a GUID) or a verified domain such as contoso.onmicrosoft.com.");
        }

        tenant = tenant.Trim();
        foreach (var alias in MultiTenantAliases)
        {
            if (string.Equals(tenant, alias, StringComparison.OrdinalIgnoreCase))
            {
                throw new ClientCredentialsConfigurationException(
                    setting,
                    $"{setting} '{tenant}' cannot issue app-only tokens: the client credentials grant needs the tenant id (GUID) or a verified domain of the tenant that holds the application's service principal. Entra ID answers AADSTS90010 for /{tenant}.");
            }
        }

        foreach (var c in tenant)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                throw new ClientCredentialsConfigurationException(setting, $"{setting} '{UntrustedText.Neutralize(tenant, 128)}' is not a tenant id (GUID) or domain name: it contains {HeaderValueRule.Describe(c)}. Give only the tenant, not a URL or path.");
            }
        }

        // A GUID or a domain starts with a letter or digit and does not end in a dot. This also refuses "." and "..",
        // which a URL resolver would read as path segments and drop, posting the secret to /oauth2/v2.0/token.
        if (!char.IsAsciiLetterOrDigit(tenant[0]) || tenant[^1] == '.' || tenant.Contains("..", StringComparison.Ordinal) || tenant.Length > MaxTenantLength)
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} '{UntrustedText.Neutralize(tenant, 128)}' is not a tenant id (GUID) or domain name: it must start with a letter or digit, must not end with '.' or hold '..', and has at most {MaxTenantLength} characters.");
        }

        return tenant;
    }
}
