namespace ClientCredentials.Protocol;

/// <summary>
/// Scopes for the client credentials grant. Entra ID issues app-only tokens for one resource at a time, asked for as
/// <c>{resource}/.default</c>; AAD takes everything before the last <c>/</c> as the audience.
/// </summary>
public static class ClientCredentialsScope
{
    /// <summary>The suffix that asks Entra ID for all application permissions granted on a resource.</summary>
    public const string DefaultSuffix = "/.default";

    /// <summary>
    /// Turns a resource (app id URI or application id) into its client-credentials scope:
    /// <c>https://graph.microsoft.com</c> → <c>https://graph.microsoft.com/.default</c>. A resource ending in <c>/</c>
    /// keeps it, giving the double slash that v1 resources need:
    /// <c>https://database.windows.net/</c> → <c>https://database.windows.net//.default</c>.
    /// </summary>
    /// <exception cref="ClientCredentialsConfigurationException">
    /// The resource is empty, contains white space, is already a scope, or has a character a scope cannot hold
    /// (RFC 6749 §3.3); <see cref="ClientCredentialsConfigurationException.Setting"/> is <c>Resource</c>.
    /// </exception>
    public static string FromResource(string resource)
    {
        if (string.IsNullOrWhiteSpace(resource))
        {
            throw new ClientCredentialsConfigurationException("Resource", "Resource is empty; give the resource's app id URI (for example https://graph.microsoft.com) or application id.");
        }

        if (resource.Any(char.IsWhiteSpace))
        {
            throw new ClientCredentialsConfigurationException("Resource", $"Resource '{UntrustedText.Neutralize(resource, 256)}' contains white space; give one app id URI or application id.");
        }

        if (resource.EndsWith(DefaultSuffix, StringComparison.OrdinalIgnoreCase))
        {
            throw new ClientCredentialsConfigurationException("Resource", $"Resource '{UntrustedText.Neutralize(resource, 256)}' is already a scope; pass it as a scope, or drop '{DefaultSuffix}'.");
        }

        // The scope must be one RFC 6749 §3.3 token, which Validate checks later; refused here, the error names the resource.
        if (!IsScopeToken(resource))
        {
            throw new ClientCredentialsConfigurationException("Resource", $"Resource '{UntrustedText.Neutralize(resource, 256)}' cannot be sent as a scope: a scope is printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3); give the app id URI or application id as registered.");
        }

        return resource + DefaultSuffix;
    }

    /// <summary>
    /// Checks scopes before anything is sent. Entra ID and ADFS: exactly one scope, ending in <c>/.default</c>
    /// (AAD answers AADSTS70011 otherwise). Other servers: any non-empty scope tokens (RFC 6749 §3.3), or none.
    /// Returns the scopes de-duplicated, in their given order. <see cref="ClientCredentialsClient"/> applies it to
    /// every request; call it to check scopes from configuration at start-up.
    /// </summary>
    /// <param name="scopes">The scopes to check; null is no scope.</param>
    /// <param name="authorityKind">The kind of server the scopes are for (<see cref="TokenAuthority.Kind"/>).</param>
    /// <exception cref="ClientCredentialsConfigurationException">A scope is malformed, or an Entra ID or ADFS request does not ask for exactly one <c>…/.default</c> scope.</exception>
    public static IReadOnlyList<string> Validate(IReadOnlyList<string>? scopes, AuthorityKind authorityKind)
    {
        scopes ??= [];
        var distinct = new List<string>(scopes.Count);
        foreach (var scope in scopes)
        {
            if (!IsScopeToken(scope))
            {
                throw new ClientCredentialsConfigurationException("Scopes", $"Scope '{UntrustedText.Neutralize(scope, 256)}' is not a valid scope token (RFC 6749 §3.3: printable ASCII without spaces, quotes or backslashes); pass each scope as its own entry.");
            }

            var comparer = authorityKind == AuthorityKind.Generic ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
            if (!distinct.Contains(scope, comparer))
            {
                distinct.Add(scope);
            }
        }

        if (authorityKind == AuthorityKind.Generic)
        {
            return distinct;
        }

        if (distinct.Count != 1 || !distinct[0].EndsWith(DefaultSuffix, StringComparison.OrdinalIgnoreCase))
        {
            var given = distinct.Count == 0 ? "no scope" : "'" + UntrustedText.Neutralize(string.Join(' ', distinct), 512) + "'";
            throw new ClientCredentialsConfigurationException(
                "Scopes",
                $"{authorityKind} issues app-only tokens for exactly one scope of the form '{{resource}}/.default' (for example https://graph.microsoft.com/.default); got {given}. " +
                "Permissions are granted to the application, not requested per call; Entra ID answers AADSTS70011 for anything else. Use ClientCredentialsScope.FromResource(resource).");
        }

        return distinct;
    }

    /// <summary>RFC 6749 §3.3: <c>scope-token = 1*( %x21 / %x23-5B / %x5D-7E )</c>.</summary>
    private static bool IsScopeToken(string? scope) =>
        !string.IsNullOrEmpty(scope) && !scope.Any(c => c is '"' or '\\' || c < 0x21 || c > 0x7e);
}
