namespace ClientCredentials.Protocol;

/// <summary>
/// The Microsoft Entra tenants, besides a client's own, that a caller who learns a tenant at run time (an Azure SDK
/// <c>TokenRequestContext.TenantId</c>, an outgoing HTTP request) may ask for, as Azure.Identity's
/// <c>AdditionallyAllowedTenants</c>: tenant ids or domains compared ignoring case, or <c>"*"</c> for any tenant.
/// Entries are checked like an authority's tenant when the list is built, so a typo fails at start-up rather than on
/// the first request for that tenant.
/// </summary>
public sealed class TenantAllowList
{
    /// <summary>The entry that allows every tenant.</summary>
    public const string AnyTenant = "*";

    /// <summary>The name of the setting the list comes from, used in every message.</summary>
    public const string SettingName = "AdditionallyAllowedTenants";

    private readonly string[] _tenants;

    /// <summary>
    /// Builds the list from <paramref name="tenants"/> (null or empty: only the client's own tenant). Blank entries are
    /// skipped; an entry that is not <c>"*"</c>, a tenant id or a domain (or is <c>common</c>, <c>organizations</c>,
    /// <c>consumers</c>) is a <see cref="ClientCredentialsConfigurationException"/> naming
    /// <paramref name="setting"/>.
    /// </summary>
    /// <param name="tenants">The allowed tenants.</param>
    /// <param name="setting">The setting to name in errors, for example <c>ClientCredentials:graph:AdditionallyAllowedTenants</c>.</param>
    public TenantAllowList(IEnumerable<string?>? tenants, string setting = SettingName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(setting);
        Setting = setting;
        var accepted = new List<string>();
        foreach (var entry in tenants ?? [])
        {
            if (string.IsNullOrWhiteSpace(entry))
            {
                continue;
            }

            var trimmed = entry.Trim();
            if (trimmed == AnyTenant)
            {
                AllowsAny = true;
                accepted.Add(AnyTenant);
                continue;
            }

            accepted.Add(EntraTenant.Validate(trimmed, setting));
        }

        _tenants = [.. accepted];
    }

    /// <summary>An empty list: only the client's own tenant is served.</summary>
    public static TenantAllowList None { get; } = new([]);

    /// <summary>The entries, trimmed, in the order given.</summary>
    public IReadOnlyList<string> Tenants => _tenants;

    /// <summary>Whether <c>"*"</c> is among the entries.</summary>
    public bool AllowsAny { get; }

    /// <summary>The setting errors name.</summary>
    public string Setting { get; }

    /// <summary>
    /// The value for <see cref="TokenRequestParameters.Tenant"/> when a caller asks for <paramref name="requested"/>
    /// from a client on <paramref name="authority"/>: null (the client's own tenant) when nothing or the client's own
    /// tenant is asked for; the requested tenant, trimmed, when the list allows it. Otherwise a
    /// <see cref="ClientCredentialsConfigurationException"/> that names <see cref="Setting"/> and says how to allow it
    /// — also when the authority is not Entra ID, which has no tenants to switch to.
    /// </summary>
    /// <param name="requested">The tenant asked for; null or blank for the client's own.</param>
    /// <param name="authority">The client's authority.</param>
    public string? Resolve(string? requested, TokenAuthority authority)
    {
        ArgumentNullException.ThrowIfNull(authority);
        if (string.IsNullOrWhiteSpace(requested))
        {
            return null;
        }

        var tenant = requested.Trim();
        var own = authority.Tenant;
        if (own is not null && string.Equals(tenant, own, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        // Stryker disable once Logical : only Entra ID authorities have a tenant, so both operands are always equal
        if (own is null || authority.Kind != AuthorityKind.Entra)
        {
            throw new ClientCredentialsConfigurationException(
                Setting,
                $"A token from tenant '{UntrustedText.Neutralize(tenant, 128)}' was asked for, but the client uses {authority}, which has no tenants; only Microsoft Entra ID clients serve other tenants.");
        }

        if (AllowsAny)
        {
            return tenant;
        }

        // A loop rather than a predicate: no closure allocated on a caller's per-request path.
        foreach (var allowed in _tenants)
        {
            if (string.Equals(allowed, tenant, StringComparison.OrdinalIgnoreCase))
            {
                return tenant;
            }
        }

        throw new ClientCredentialsConfigurationException(
            Setting,
            $"A token from tenant '{UntrustedText.Neutralize(tenant, 128)}' was asked for, but the client is configured for tenant '{own}' only. To allow it, add the tenant to {Setting}, or add \"*\" to allow any tenant.");
    }

    /// <summary>Lists the entries (tenant ids and domains are not secrets).</summary>
    public override string ToString() => _tenants.Length == 0 ? "(own tenant only)" : string.Join(", ", _tenants);
}
