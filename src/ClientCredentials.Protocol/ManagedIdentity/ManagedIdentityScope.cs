namespace ClientCredentials.Protocol;

/// <summary>
/// Managed identity endpoints take a v1 <c>resource</c>, not a scope: <c>https://x/.default</c> becomes
/// <c>https://x</c>, <c>https://database.windows.net//.default</c> becomes <c>https://database.windows.net/</c>, and a
/// value without <c>/.default</c> is taken as the resource itself (as Azure.Identity and MSAL.NET do). Exactly one.
/// </summary>
internal static class ManagedIdentityScope
{
    /// <summary>The resource for <paramref name="scopes"/>; a configuration error unless exactly one printable value.</summary>
    public static string ToResource(IReadOnlyList<string> scopes)
    {
        if (scopes.Count != 1)
        {
            throw new ClientCredentialsConfigurationException("Scopes", $"A managed identity token is for exactly one resource; got {scopes.Count} scopes. Pass one '{{resource}}/.default' scope or the resource itself.");
        }

        var scope = scopes[0];
        if (string.IsNullOrWhiteSpace(scope) || scope.Any(c => c is ' ' or '"' or '\\' || c < 0x21 || c > 0x7e))
        {
            throw new ClientCredentialsConfigurationException("Scopes", $"Scope '{scope}' is not a valid scope token (printable ASCII without spaces, quotes or backslashes).");
        }

        if (!scope.EndsWith(ClientCredentialsScope.DefaultSuffix, StringComparison.OrdinalIgnoreCase))
        {
            return scope;
        }

        var resource = scope[..^ClientCredentialsScope.DefaultSuffix.Length];
        if (resource.Length == 0)
        {
            throw new ClientCredentialsConfigurationException("Scopes", $"Scope '{scope}' names no resource before '{ClientCredentialsScope.DefaultSuffix}'.");
        }

        return resource;
    }

    /// <summary>The scope a token is cached and reported under: <c>{resource}/.default</c>.</summary>
    public static string ToScope(string resource) => resource + ClientCredentialsScope.DefaultSuffix;
}
