namespace ClientCredentials.Protocol;

/// <summary>
/// A Microsoft Entra ID tenant. The token endpoint is <c>{instance}/{tenant}/oauth2/v2.0/token</c>; the cache identity
/// maps the public cloud's aliases (login.windows.net, login.microsoft.com, sts.windows.net) to
/// login.microsoftonline.com so that tokens are shared across them. With a region (ESTS-R) requests go first to the
/// regional token endpoint (<see cref="RegionalHost"/>); tokens from either are cached under the same identity.
/// </summary>
internal sealed class EntraAuthority : TokenAuthority
{
    private static readonly string[] PublicCloudAliases = ["login.windows.net", "login.microsoft.com", "sts.windows.net"];

    private readonly Uri _baseUri;
    private readonly EntraRegion? _region;
    private readonly Uri _tokenEndpoint;

    public EntraAuthority(string tenant, string? instance, EntraRegion? region = null)
        : this(EntraTenant.Validate(tenant), ParseInstance(instance), region)
    {
    }

    private EntraAuthority(string validatedTenant, Uri baseUri, EntraRegion? region)
    {
        Tenant = validatedTenant;
        _baseUri = baseUri;
        _region = region;
        _tokenEndpoint = new Uri(baseUri, $"{Tenant}/oauth2/v2.0/token");
        RegionalTokenEndpoint = RegionalEndpoint(baseUri, region ?? EntraRegion.None);
        Region = RegionalTokenEndpoint is null ? null : region!.Name;
        var host = baseUri.IsDefaultPort ? baseUri.Host.ToLowerInvariant() : $"{baseUri.Host.ToLowerInvariant()}:{baseUri.Port}";
        if (Array.IndexOf(PublicCloudAliases, host) >= 0)
        {
            host = EntraInstance.Public;
        }

        CacheAuthority = $"{baseUri.Scheme}://{host}";
        CacheIdentity = $"{CacheAuthority}/{Tenant.ToLowerInvariant()}";
    }

    public override AuthorityKind Kind => AuthorityKind.Entra;

    public override string Tenant { get; }

    public override string CacheIdentity { get; }

    /// <summary>The instance in canonical form (scheme and lower-case host, public cloud aliases folded), without the tenant.</summary>
    internal override string CacheAuthority { get; }

    internal override string CacheKind => "entra";

    /// <summary>The same instance for another tenant, already checked by <see cref="EntraTenant.Validate"/>.</summary>
    internal override TokenAuthority ForTenant(string validatedTenant) =>
        string.Equals(validatedTenant, Tenant, StringComparison.OrdinalIgnoreCase) ? this : new EntraAuthority(validatedTenant, _baseUri, _region);

    public override string? Region { get; }

    internal override Uri? RegionalTokenEndpoint { get; }

    public override ValueTask<Uri> GetTokenEndpointAsync(HttpClient httpClient, CancellationToken cancellationToken = default) => new(_tokenEndpoint);

    /// <summary>
    /// The regional token endpoint: under an explicit regional instance, or on <c>{region}.{host}</c> with the global
    /// instance's scheme and port. An explicit region on an instance without a DNS host (an IP address, localhost) needs
    /// a regional instance; a region from the environment is then not used.
    /// </summary>
    private Uri? RegionalEndpoint(Uri baseUri, EntraRegion region)
    {
        if (region.Name is not { } name)
        {
            return null;
        }

        if (region.RegionalInstance is { } regionalInstance)
        {
            // Stryker disable once String : a URL of scheme, host and port alone already has the path "/"
            var regionalBase = new Uri(regionalInstance.GetLeftPart(UriPartial.Authority) + "/");
            return new Uri(regionalBase, $"{Tenant}/oauth2/v2.0/token");
        }

        if (RegionalHost.For(baseUri.Host, name) is not { } host)
        {
            return region.Source == "explicit"
                ? throw new ClientCredentialsConfigurationException("Region", $"The instance '{baseUri.Host}' has no DNS name to put the region '{name}' in front of; give the regional endpoint as RegionalInstance (EntraRegion.Named(region, regionalInstance)).")
                : null;
        }

        // Uri drops the port when it is the scheme's default.
        return new Uri($"{baseUri.Scheme}://{host}:{baseUri.Port}/{Tenant}/oauth2/v2.0/token");
    }

    private static Uri ParseInstance(string? instance)
    {
        if (string.IsNullOrWhiteSpace(instance))
        {
            return new Uri($"https://{EntraInstance.Public}/");
        }

        instance = instance.Trim();
        var parsed = instance.Contains("://", StringComparison.Ordinal)
            ? AbsoluteUri(instance) ?? throw new ClientCredentialsConfigurationException("Instance", $"Instance '{UntrustedText.Neutralize(instance, 256)}' is not a valid URL; give a host such as {EntraInstance.Public} or a URL such as https://{EntraInstance.Public}/.")
            : HostUri(instance) ?? throw new ClientCredentialsConfigurationException("Instance", $"Instance '{UntrustedText.Neutralize(instance, 256)}' is not a host name; give a host such as {EntraInstance.Public}.");

        AuthorityUri.Validate(parsed, "Instance");
        if (parsed.AbsolutePath is not "/")
        {
            throw new ClientCredentialsConfigurationException("Instance", $"Instance '{UntrustedText.Neutralize(instance, 256)}' has a path ('{parsed.AbsolutePath}'); give only the host and put the tenant in Tenant.");
        }

        // Stryker disable once String : a URL of scheme, host and port alone already has the path "/"
        return new Uri(parsed.GetLeftPart(UriPartial.Authority) + "/");
    }

    /// <summary>The absolute URL <paramref name="text"/> names, or null.</summary>
    private static Uri? AbsoluteUri(string text) => Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : null;

    /// <summary><c>https://<paramref name="host"/>/</c> when <paramref name="host"/> (with an optional port) is a host name, or null.</summary>
    private static Uri? HostUri(string host) =>
        Uri.CheckHostName(host.Split(':')[0]) == UriHostNameType.Unknown ? null : AbsoluteUri($"https://{host}/");
}
