namespace ClientCredentials.Protocol.Extensions.Credentials;

/// <summary>
/// Reads the managed identity keys of one <c>Credentials</c> entry: which identity (at most one of
/// <c>ManagedIdentityClientId</c>, <c>ManagedIdentityObjectId</c>, <c>ManagedIdentityResourceId</c>) and an optional
/// IMDS base URL. Errors name the full configuration key.
/// </summary>
internal static class ManagedIdentitySourceOptions
{
    public static ManagedIdentityId IdOf(CredentialSourceOptions source, string key)
    {
        var given = new (string Name, string? Value, Func<string, ManagedIdentityId> Create)[]
        {
            (nameof(source.ManagedIdentityClientId), source.ManagedIdentityClientId, ManagedIdentityId.FromClientId),
            (nameof(source.ManagedIdentityObjectId), source.ManagedIdentityObjectId, ManagedIdentityId.FromObjectId),
            (nameof(source.ManagedIdentityResourceId), source.ManagedIdentityResourceId, ManagedIdentityId.FromResourceId),
        }.Where(g => !string.IsNullOrWhiteSpace(g.Value)).ToList();
        if (given.Count > 1)
        {
            throw new ClientCredentialsConfigurationException($"{key}:{given[1].Name}", $"{key}: {string.Join(" and ", given.Select(g => g.Name))} are all set; name the managed identity one way only.");
        }

        if (given.Count == 0)
        {
            return ManagedIdentityId.SystemAssigned;
        }

        try
        {
            return given[0].Create(given[0].Value!);
        }
        catch (ClientCredentialsConfigurationException ex)
        {
            throw new ClientCredentialsConfigurationException($"{key}:{given[0].Name}", $"{key}:{given[0].Name}: {ex.Message}", ex);
        }
    }

    public static Uri? ImdsEndpointOf(CredentialSourceOptions source, string key)
    {
        if (string.IsNullOrWhiteSpace(source.ImdsEndpoint))
        {
            return null;
        }

        return Uri.TryCreate(source.ImdsEndpoint.Trim(), UriKind.Absolute, out var uri)
            ? uri
            : throw new ClientCredentialsConfigurationException($"{key}:ImdsEndpoint", $"{key}:ImdsEndpoint '{source.ImdsEndpoint}' is not an absolute URL such as http://127.0.0.1:8080.");
    }
}
