namespace ClientCredentials.Protocol;

/// <summary>
/// The Azure region whose Entra ID endpoint (ESTS-R) serves token requests: lower latency and independence from the
/// global endpoint. Given explicitly, or read from <c>AZURE_REGIONAL_AUTHORITY_NAME</c> (Azure.Identity's variable)
/// then <c>MSAL_FORCE_REGION</c> (MSAL's). The region is never discovered from IMDS: nothing is sent to learn it.
/// A region name is lower-case letters and digits (<c>westus2</c>); anything else is a
/// <see cref="ClientCredentialsConfigurationException"/> (setting <c>Region</c>).
/// </summary>
public sealed class EntraRegion
{
    /// <summary>Azure.Identity's variable for the regional authority.</summary>
    public const string RegionalAuthorityVariable = "AZURE_REGIONAL_AUTHORITY_NAME";

    /// <summary>MSAL's variable that forces a region.</summary>
    public const string ForceRegionVariable = "MSAL_FORCE_REGION";

    /// <summary>Values peers use to ask for discovery from IMDS; this library never discovers, so they mean "no region".</summary>
    private static readonly string[] DiscoveryRequests = ["AutoDiscoverRegion", "TryAutoDetect", "DisableMsalForceRegion"];

    private EntraRegion(string? name, Uri? regionalInstance, string source)
    {
        Name = name;
        RegionalInstance = regionalInstance;
        Source = source;
    }

    /// <summary>No region: the global endpoint.</summary>
    public static EntraRegion None { get; } = new(null, null, "none");

    /// <summary>The region name, or null for none.</summary>
    public string? Name { get; }

    /// <summary>An explicit regional base URL replacing the computed <c>{region}.{host}</c>, or null.</summary>
    public Uri? RegionalInstance { get; }

    /// <summary>Where the region came from: <c>explicit</c>, a variable name, or <c>none</c>.</summary>
    public string Source { get; }

    /// <summary>
    /// A region by name, e.g. <c>westus2</c>. <paramref name="regionalInstance"/> replaces the regional host the library
    /// computes (for a private or test endpoint, such as an emulator's regional alias); it must be https, or http to loopback.
    /// </summary>
    public static EntraRegion Named(string region, string? regionalInstance = null)
    {
        var name = Validate(region, "Region");
        Uri? instance = null;
        if (regionalInstance is not null)
        {
            if (!Uri.TryCreate(regionalInstance.Trim(), UriKind.Absolute, out instance))
            {
                throw new ClientCredentialsConfigurationException("RegionalInstance", $"RegionalInstance '{UntrustedText.Neutralize(regionalInstance, 256)}' is not an absolute URL such as https://westus2.login.microsoft.com/.");
            }

            AuthorityUri.Validate(instance, "RegionalInstance");
            if (instance.AbsolutePath is not "/")
            {
                throw new ClientCredentialsConfigurationException("RegionalInstance", $"RegionalInstance '{AuthorityUri.Printable(instance)}' has a path; give only scheme, host and port.");
            }
        }

        return new EntraRegion(name, instance, "explicit");
    }

    /// <summary>
    /// The region from <c>AZURE_REGIONAL_AUTHORITY_NAME</c>, else <c>MSAL_FORCE_REGION</c>, else none. Their discovery
    /// values (<c>AutoDiscoverRegion</c>, <c>TryAutoDetect</c>) and <c>DisableMsalForceRegion</c> mean none: the library
    /// never asks IMDS for the region.
    /// </summary>
    public static EntraRegion FromEnvironment(Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        foreach (var name in (string[])[RegionalAuthorityVariable, ForceRegionVariable])
        {
            var value = variable(name)?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            if (DiscoveryRequests.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                return None;
            }

            return new EntraRegion(Validate(value, name), null, name);
        }

        return None;
    }

    /// <inheritdoc />
    public override string ToString() => Name is null ? "no region" : $"region {Name} ({Source})";

    private static string Validate(string? region, string setting)
    {
        if (string.IsNullOrEmpty(region) || region.Length > 40 || !region.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9')))
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} '{UntrustedText.Neutralize(region, 128)}' is not an Azure region name: lower-case letters and digits only, for example westus2 (see 'az account list-locations').");
        }

        return region;
    }
}
