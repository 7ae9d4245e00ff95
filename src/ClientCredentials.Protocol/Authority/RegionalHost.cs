namespace ClientCredentials.Protocol;

/// <summary>
/// The regional (ESTS-R) host of an Entra cloud, as MSAL.NET forms it: the public cloud's hosts
/// (login.microsoftonline.com, login.windows.net, login.microsoft.com, sts.windows.net) become
/// <c>{region}.login.microsoft.com</c>; any other cloud's host its preferred network host with the region in front —
/// <c>{region}.login.microsoftonline.us</c> (also for login.usgovcloudapi.net),
/// <c>{region}.login.partner.microsoftonline.cn</c> (also for login.chinacloudapi.cn), <c>{region}.{host}</c> otherwise.
/// </summary>
internal static class RegionalHost
{
    /// <summary>The public cloud's hosts other than login.microsoft.com, for which <c>{region}.{host}</c> is already the regional host.</summary>
    private static readonly string[] PublicHosts = [EntraInstance.Public, "login.windows.net", "sts.windows.net"];

    private static readonly Dictionary<string, string> PreferredNetwork = new(StringComparer.OrdinalIgnoreCase)
    {
        ["login.usgovcloudapi.net"] = EntraInstance.UsGovernment,
        [EntraInstance.China] = "login.partner.microsoftonline.cn",
    };

    /// <summary>The regional host for <paramref name="host"/>, or null when the host is an IP address or <c>localhost</c> (no DNS name to prefix).</summary>
    public static string? For(string host, string region)
    {
        if (Uri.CheckHostName(host) != UriHostNameType.Dns || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (PublicHosts.Contains(host, StringComparer.OrdinalIgnoreCase))
        {
            return $"{region}.login.microsoft.com";
        }

        return $"{region}.{(PreferredNetwork.TryGetValue(host, out var preferred) ? preferred : host.ToLowerInvariant())}";
    }
}
