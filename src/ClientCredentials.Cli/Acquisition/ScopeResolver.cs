using ClientCredentials.Cli.Hosting;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Acquisition;

/// <summary>
/// The scopes to ask for: <c>--scope</c> values as given, or <c>--resource</c> turned into <c>{resource}/.default</c>.
/// The library checks them against the authority (one <c>/.default</c> scope for Entra) before sending.
/// </summary>
internal static class ScopeResolver
{
    public static IReadOnlyList<string> Resolve(ScopeInput input)
    {
        if (input.Scopes.Count > 0 && input.Resource is not null)
        {
            throw new CliUsageException("Give --scope or --resource, not both (--resource R means --scope R/.default).");
        }

        if (input.Resource is not null)
        {
            return [ClientCredentialsScope.FromResource(input.Resource)];
        }

        if (input.Scopes.Count == 0)
        {
            throw new CliUsageException("No scope: give --resource (e.g. https://graph.microsoft.com) or --scope (e.g. https://graph.microsoft.com/.default).");
        }

        return input.Scopes;
    }
}
