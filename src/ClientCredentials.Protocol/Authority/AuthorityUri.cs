namespace ClientCredentials.Protocol;

/// <summary>
/// Validates the URLs an authority is built from: absolute, HTTPS, no query or fragment, no user info. Plain
/// <c>http</c> is accepted for loopback hosts only (tests and the local emulator), because a client secret or
/// assertion must never cross a network unencrypted (RFC 6749 §2.3.1, §3.2).
/// </summary>
internal static class AuthorityUri
{
    public static Uri Validate(Uri? uri, string setting)
    {
        if (uri is null)
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} is required.");
        }

        if (!uri.IsAbsoluteUri)
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} must be an absolute URL such as https://login.example.com/....");
        }

        // First, and without echoing the URL: user info may be a password.
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} must not embed credentials in the URL ({Printable(uri)}); configure a credential instead.");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} '{Printable(uri)}' uses plain http; use https (http is accepted for loopback hosts only, such as a local emulator).");
        }

        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} '{Printable(uri)}' must use https.");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new ClientCredentialsConfigurationException(setting, $"{setting} '{Printable(uri)}' must not carry a query or fragment (RFC 6749 §3.2 forbids a fragment; parameters belong in the form body).");
        }

        return uri;
    }

    /// <summary>Scheme, host, port and path: never user info, query or fragment, which may carry secrets.</summary>
    public static string Printable(Uri uri) => UntrustedText.Neutralize(uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.SafeUnescaped), 512);
}
