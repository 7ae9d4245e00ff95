using System.Net;

namespace ClientCredentials.Protocol;

/// <summary>
/// Checks a managed identity endpoint URL before anything is sent: absolute, <c>http</c> or <c>https</c>, no user
/// info, query or fragment, and plain <c>http</c> only to a loopback host (App Service, Arc and Cloud Shell serve on
/// the machine itself) or, for IMDS alone, to IMDS's own link-local address. A token, and for App Service the
/// <c>X-IDENTITY-HEADER</c> secret, must never cross a network unencrypted.
/// </summary>
internal static class ManagedIdentityEndpointAddress
{
    /// <summary>IMDS's link-local address: the one non-loopback host plain <c>http</c> may go to.</summary>
    public static readonly IPAddress ImdsAddress = IPAddress.Parse("169.254.169.254");

    /// <summary>The default IMDS base URL.</summary>
    public static readonly Uri DefaultImdsBase = new("http://169.254.169.254/");

    /// <summary>The IMDS token path under its base URL.</summary>
    public const string ImdsTokenPath = "/metadata/identity/oauth2/token";

    /// <summary>Parses and checks <paramref name="text"/> read from <paramref name="setting"/> (a variable or option name).</summary>
    public static Uri Parse(string? text, string setting, ManagedIdentitySource source)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} is empty; it must be the URL of the {Describe(source)} token endpoint.");
        }

        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} '{Printable(text)}' is not an absolute http(s) URL; the {Describe(source)} sets it to the URL of its token endpoint, for example {Example(source)}.");
        }

        return Check(uri, setting, source);
    }

    /// <summary>Checks an already parsed URL (an option given as <see cref="Uri"/>).</summary>
    public static Uri Check(Uri uri, string setting, ManagedIdentitySource source)
    {
        if (!uri.IsAbsoluteUri || uri.Scheme is not ("http" or "https"))
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} must be an absolute http(s) URL such as {Example(source)}.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} must not embed credentials in the URL ({AuthorityUri.Printable(uri)}).");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} '{AuthorityUri.Printable(uri)}' must not carry a query or fragment; the library adds api-version, resource and the identity itself.");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback && !IsImdsAddress(uri, source))
        {
            throw new ClientCredentialsConfigurationException(
                setting,
                $"{setting} '{AuthorityUri.Printable(uri)}' uses plain http to a host that is not this machine; a managed identity endpoint over http must be a loopback address" +
                (source == ManagedIdentitySource.Imds ? " or IMDS's own 169.254.169.254" : string.Empty) + ", otherwise use https.");
        }

        return uri;
    }

    /// <summary>True when <paramref name="uri"/> is the link-local IMDS address and the source is IMDS.</summary>
    private static bool IsImdsAddress(Uri uri, ManagedIdentitySource source) =>
        source == ManagedIdentitySource.Imds && IPAddress.TryParse(uri.Host, out var address) && address.Equals(ImdsAddress);

    /// <summary>The IMDS token endpoint under a base URL whose path is empty, <c>/</c>, or already the token path.</summary>
    public static Uri ImdsTokenEndpoint(Uri baseAddress, string setting)
    {
        var checkedBase = Check(baseAddress, setting, ManagedIdentitySource.Imds);
        var path = checkedBase.AbsolutePath.TrimEnd('/');
        if (path.Length != 0 && !string.Equals(path, ImdsTokenPath, StringComparison.OrdinalIgnoreCase))
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} '{AuthorityUri.Printable(checkedBase)}' has the path '{checkedBase.AbsolutePath}'; give the IMDS host only (for example http://127.0.0.1:8080), the library adds {ImdsTokenPath}.");
        }

        return new Uri(checkedBase.GetLeftPart(UriPartial.Authority) + ImdsTokenPath);
    }

    private static string Describe(ManagedIdentitySource source) => source switch
    {
        ManagedIdentitySource.AppService => "App Service / Functions",
        ManagedIdentitySource.AzureArc => "Azure Arc agent",
        ManagedIdentitySource.ServiceFabric => "Service Fabric runtime",
        ManagedIdentitySource.CloudShell => "Cloud Shell",
        _ => "Instance Metadata Service",
    };

    private static string Example(ManagedIdentitySource source) => source switch
    {
        ManagedIdentitySource.AppService => "http://localhost:4141/MSI/token",
        ManagedIdentitySource.AzureArc => "http://localhost:40342/metadata/identity/oauth2/token",
        ManagedIdentitySource.ServiceFabric => "https://10.0.0.4:2377/metadata/identity/oauth2/token",
        ManagedIdentitySource.CloudShell => "http://localhost:50342/oauth2/token",
        _ => "http://169.254.169.254",
    };

    /// <summary>The text without anything after <c>?</c> or <c>#</c>, and without user info.</summary>
    private static string Printable(string text)
    {
        var cut = text.IndexOfAny(['?', '#']);
        var head = (cut >= 0 ? text[..cut] : text).Trim();
        var at = head.IndexOf('@', StringComparison.Ordinal);
        var scheme = head.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme >= 0 && at > scheme ? head[..(scheme + 3)] + "…@" + head[(at + 1)..] : head;
    }
}
