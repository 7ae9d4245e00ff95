namespace ClientCredentials.Protocol;

/// <summary>
/// Builds the <see cref="ManagedIdentityEndpoint"/> of the detected (or forced) source from its environment variables
/// and options, checking every value before anything is sent (<see cref="ClientCredentialsConfigurationException"/>
/// naming the variable or option at fault).
/// </summary>
internal static class ManagedIdentityEndpointFactory
{
    public static ManagedIdentityEndpoint Create(ManagedIdentityOptions options, Func<string, string?> variable, Func<string, bool> fileExists, ArcKeyFilePolicy arcKeyFiles)
    {
        var identity = options.Id ?? throw new ClientCredentialsConfigurationException("ManagedIdentityId", "Id is required: ManagedIdentityId.SystemAssigned or a user-assigned id.");
        var source = options.Source ?? ManagedIdentityEnvironment.Detect(variable, fileExists);
        if (!Enum.IsDefined(source))
        {
            throw new ClientCredentialsConfigurationException("ManagedIdentity:Source", $"Unknown managed identity source {(int)source}.");
        }

        if (options.ImdsEndpoint is not null && source != ManagedIdentitySource.Imds)
        {
            throw new ClientCredentialsConfigurationException("ManagedIdentity:ImdsEndpoint", $"ImdsEndpoint is set, but the managed identity source is {source} (detected from this process's environment variables); remove it, or set Source = Imds.");
        }

        return source switch
        {
            ManagedIdentitySource.AppService => new AppServiceEndpoint(
                ManagedIdentityEndpointAddress.Parse(Required(variable, ManagedIdentityVariables.IdentityEndpoint, source), ManagedIdentityVariables.IdentityEndpoint, source),
                Required(variable, ManagedIdentityVariables.IdentityHeader, source),
                identity),
            ManagedIdentitySource.ServiceFabric => new ServiceFabricEndpoint(
                ManagedIdentityEndpointAddress.Parse(Required(variable, ManagedIdentityVariables.IdentityEndpoint, source), ManagedIdentityVariables.IdentityEndpoint, source),
                Required(variable, ManagedIdentityVariables.IdentityHeader, source),
                Required(variable, ManagedIdentityVariables.IdentityServerThumbprint, source),
                identity),
            ManagedIdentitySource.CloudShell => new CloudShellEndpoint(
                ManagedIdentityEndpointAddress.Parse(Required(variable, ManagedIdentityVariables.MsiEndpoint, source), ManagedIdentityVariables.MsiEndpoint, source),
                identity),
            ManagedIdentitySource.AzureArc => new AzureArcEndpoint(
                ManagedIdentityEndpointAddress.Parse(
                    ManagedIdentityEnvironment.Value(variable, ManagedIdentityVariables.IdentityEndpoint) ?? ManagedIdentityEnvironment.ArcDefaultEndpoint,
                    ManagedIdentityVariables.IdentityEndpoint,
                    source),
                identity,
                arcKeyFiles),
            _ => new ImdsEndpoint(ImdsTokenEndpoint(options, variable), identity),
        };
    }

    /// <summary>The IMDS token endpoint: the option, else <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c>, else 169.254.169.254.</summary>
    private static Uri ImdsTokenEndpoint(ManagedIdentityOptions options, Func<string, string?> variable)
    {
        if (options.ImdsEndpoint is { } configured)
        {
            return ManagedIdentityEndpointAddress.ImdsTokenEndpoint(configured, "ManagedIdentity:ImdsEndpoint");
        }

        if (ManagedIdentityEnvironment.Value(variable, ManagedIdentityVariables.PodIdentityAuthorityHost) is { } host)
        {
            var parsed = ManagedIdentityEndpointAddress.Parse(host, ManagedIdentityVariables.PodIdentityAuthorityHost, ManagedIdentitySource.Imds);
            return ManagedIdentityEndpointAddress.ImdsTokenEndpoint(parsed, ManagedIdentityVariables.PodIdentityAuthorityHost);
        }

        return ManagedIdentityEndpointAddress.ImdsTokenEndpoint(ManagedIdentityEndpointAddress.DefaultImdsBase, "ManagedIdentity:ImdsEndpoint");
    }

    private static string Required(Func<string, string?> variable, string name, ManagedIdentitySource source) =>
        ManagedIdentityEnvironment.Value(variable, name)
        ?? throw new ClientCredentialsConfigurationException(name, $"{name} is not set, but the managed identity source is {source}; that host sets it for every process (or do not force Source = {source}).");
}
