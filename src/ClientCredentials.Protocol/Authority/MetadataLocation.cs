namespace ClientCredentials.Protocol;

/// <summary>Where an issuer publishes its metadata.</summary>
internal static class MetadataLocation
{
    public const string OAuthSuffix = "/.well-known/oauth-authorization-server";
    public const string OidcSuffix = "/.well-known/openid-configuration";

    /// <summary>
    /// RFC 8414 §3.1: the well-known suffix goes between the host and the issuer's path, after any terminating
    /// <c>/</c> of the path is removed: <c>https://as.example/tenant1</c> → <c>https://as.example/.well-known/oauth-authorization-server/tenant1</c>.
    /// </summary>
    public static Uri OAuth(Uri issuer)
    {
        var path = issuer.AbsolutePath.TrimEnd('/');
        return new Uri(issuer.GetLeftPart(UriPartial.Authority) + OAuthSuffix + path);
    }

    /// <summary>OIDC Discovery 1.0 §4: the suffix is appended to the issuer, after any terminating <c>/</c>.</summary>
    public static Uri Oidc(string issuer) => new(issuer.TrimEnd('/') + OidcSuffix);
}
