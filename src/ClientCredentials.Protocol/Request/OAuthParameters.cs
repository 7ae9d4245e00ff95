namespace ClientCredentials.Protocol;

/// <summary>Form parameter names of the token request, as RFC 6749, RFC 7521/7523 and AAD name them.</summary>
internal static class OAuthParameters
{
    public const string GrantType = "grant_type";
    public const string ClientCredentialsGrant = "client_credentials";
    public const string ClientId = "client_id";
    public const string ClientSecret = "client_secret";
    public const string ClientAssertionType = "client_assertion_type";
    public const string ClientAssertion = "client_assertion";
    public const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    public const string Scope = "scope";
    public const string Claims = "claims";

    /// <summary>Names the library writes itself; caller extra parameters may not replace them.</summary>
    public static readonly string[] Reserved = [GrantType, ClientId, ClientSecret, ClientAssertionType, ClientAssertion, Scope, Claims];

    /// <summary>
    /// Refuses an extra parameter name that is blank, has white space around it, or names a parameter the library
    /// writes itself — compared ignoring case and surrounding white space, because servers differ in how they match
    /// names and a lenient one would take <c>Client_Secret</c> or <c>grant_type </c> for the real parameter.
    /// </summary>
    public static void ValidateExtraName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ClientCredentialsConfigurationException("ExtraParameters", "An extra parameter has an empty name.");
        }

        var trimmed = name.Trim();
        foreach (var reserved in Reserved)
        {
            if (string.Equals(trimmed, reserved, StringComparison.OrdinalIgnoreCase))
            {
                throw new ClientCredentialsConfigurationException(
                    "ExtraParameters",
                    $"Extra parameter '{UntrustedText.Neutralize(name, 64)}' would stand for '{reserved}', a parameter the library writes itself ({string.Join(", ", Reserved)}; compared ignoring case and surrounding white space); use the dedicated option instead.");
            }
        }

        if (trimmed.Length != name.Length)
        {
            throw new ClientCredentialsConfigurationException("ExtraParameters", $"Extra parameter '{UntrustedText.Neutralize(name, 64)}' has white space around its name; remove it.");
        }
    }
}
