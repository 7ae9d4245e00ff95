namespace ClientCredentials.Protocol.Extensions.Configuration;

/// <summary>
/// Turns the authority keys of <see cref="ClientCredentialsOptions"/> into a <see cref="TokenAuthority"/>. Exactly
/// one of <c>TenantId</c> (Entra ID), <c>Authority</c> (AD FS), <c>TokenEndpoint</c> or <c>Issuer</c> must be set;
/// every error is a <see cref="ClientCredentialsConfigurationException"/> whose setting is the full configuration key.
/// </summary>
internal static class ConfiguredAuthority
{
    public static TokenAuthority Create(ClientCredentialsOptions options, TimeProvider timeProvider)
    {
        var path = options.ConfigurationPath;
        var set = new List<string>(4);
        if (!string.IsNullOrWhiteSpace(options.TenantId))
        {
            set.Add(nameof(options.TenantId));
        }

        if (!string.IsNullOrWhiteSpace(options.Authority))
        {
            set.Add(nameof(options.Authority));
        }

        if (!string.IsNullOrWhiteSpace(options.TokenEndpoint))
        {
            set.Add(nameof(options.TokenEndpoint));
        }

        if (!string.IsNullOrWhiteSpace(options.Issuer))
        {
            set.Add(nameof(options.Issuer));
        }

        if (set.Count == 0)
        {
            throw new ClientCredentialsConfigurationException(
                $"{path}:TenantId",
                $"{path}:TenantId is required for Entra ID (the tenant id GUID or a verified domain); for other servers set {path}:Authority (AD FS), {path}:TokenEndpoint or {path}:Issuer instead.");
        }

        if (set.Count > 1)
        {
            throw new ClientCredentialsConfigurationException(
                $"{path}:{set[1]}",
                $"{string.Join(" and ", set.Select(key => $"{path}:{key}"))} are all set; a client has one authority, so keep only one of them.");
        }

        foreach (var entraOnly in new[] { (nameof(options.Instance), options.Instance), (nameof(options.Region), options.Region), (nameof(options.RegionalInstance), options.RegionalInstance) })
        {
            if (!string.IsNullOrWhiteSpace(entraOnly.Item2) && set[0] != nameof(options.TenantId))
            {
                throw new ClientCredentialsConfigurationException($"{path}:{entraOnly.Item1}", $"{path}:{entraOnly.Item1} applies to Entra ID only (with {path}:TenantId); remove it when {path}:{set[0]} is used.");
            }
        }

        try
        {
            return set[0] switch
            {
                nameof(options.TenantId) => TokenAuthority.Entra(options.TenantId!, options.Instance, RegionOf(options)),
                nameof(options.Authority) => TokenAuthority.Adfs(ParseUri(path, nameof(options.Authority), options.Authority!)),
                nameof(options.TokenEndpoint) => TokenAuthority.TokenEndpoint(ParseUri(path, nameof(options.TokenEndpoint), options.TokenEndpoint!)),
                _ => TokenAuthority.OAuthIssuer(ParseUri(path, nameof(options.Issuer), options.Issuer!), timeProvider),
            };
        }
        catch (ClientCredentialsConfigurationException ex) when (!ex.Setting.StartsWith(path + ":", StringComparison.Ordinal) && ex.Setting is not (EntraRegion.RegionalAuthorityVariable or EntraRegion.ForceRegionVariable))
        {
            var key = ex.Setting switch
            {
                "Tenant" => nameof(options.TenantId),
                "Instance" => nameof(options.Instance),
                "Region" => nameof(options.Region),
                "RegionalInstance" => nameof(options.RegionalInstance),
                _ => set[0],
            };
            throw new ClientCredentialsConfigurationException($"{path}:{key}", $"{path}:{key}: {ex.Message}", ex);
        }
    }

    /// <summary><c>Region</c> (or <c>none</c>) with an optional <c>RegionalInstance</c>; absent: the environment's.</summary>
    private static EntraRegion RegionOf(ClientCredentialsOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Region))
        {
            return string.IsNullOrWhiteSpace(options.RegionalInstance)
                ? EntraRegion.FromEnvironment()
                : throw new ClientCredentialsConfigurationException("RegionalInstance", "RegionalInstance needs Region: the region whose endpoint it is.");
        }

        return string.Equals(options.Region.Trim(), "none", StringComparison.OrdinalIgnoreCase)
            ? EntraRegion.None
            : EntraRegion.Named(options.Region.Trim(), string.IsNullOrWhiteSpace(options.RegionalInstance) ? null : options.RegionalInstance);
    }

    private static Uri ParseUri(string path, string key, string value)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri))
        {
            throw new ClientCredentialsConfigurationException($"{path}:{key}", $"{path}:{key} '{value}' is not an absolute URL; give it as https://host/path.");
        }

        return uri;
    }
}
