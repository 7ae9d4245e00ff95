using ClientCredentials.Emulator.Directory;
using ClientCredentials.Emulator.Errors;

namespace ClientCredentials.Emulator.Tokens;

/// <summary>
/// Finds the resource a token is requested for. v2: <c>scope</c> must be <c>{resource}/.default</c> (AADSTS70011),
/// where the resource is everything before the last <c>/</c>; v1: the <c>resource</c> parameter. An unknown
/// resource answers AADSTS500011.
/// </summary>
internal static class ResourceResolver
{
    private const string DefaultSuffix = "/.default";

    public static (RegisteredResource? Resource, AadError? Error) FromScope(string scope, RegisteredTenant tenant, DirectorySnapshot directory)
    {
        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (scopes.Length == 0)
        {
            return (null, AadErrors.MissingParameter("scope"));
        }

        RegisteredResource? found = null;
        foreach (var item in scopes)
        {
            if (!item.EndsWith(DefaultSuffix, StringComparison.OrdinalIgnoreCase) || item.Length == DefaultSuffix.Length)
            {
                return (null, AadErrors.InvalidScope(item));
            }

            var identifier = item[..^DefaultSuffix.Length];
            var resource = directory.FindResource(identifier);
            if (resource is null)
            {
                return (null, AadErrors.ResourceNotFound(identifier, tenant.Id));
            }

            if (found is not null && !ReferenceEquals(found, resource))
            {
                return (null, AadErrors.InvalidScope(scope));
            }

            found = resource;
        }

        return (found, null);
    }

    public static (RegisteredResource? Resource, AadError? Error) FromResource(string resource, RegisteredTenant tenant, DirectorySnapshot directory)
    {
        var found = directory.FindResource(resource.Trim());
        return found is null ? (null, AadErrors.ResourceNotFound(resource, tenant.Id)) : (found, null);
    }
}
