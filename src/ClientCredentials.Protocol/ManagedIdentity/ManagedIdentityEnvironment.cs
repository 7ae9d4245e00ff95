namespace ClientCredentials.Protocol;

/// <summary>
/// Decides which <see cref="ManagedIdentitySource"/> serves this process from its environment variables, in the
/// order MSAL.NET and Azure.Identity use: <c>IDENTITY_ENDPOINT</c> + <c>IDENTITY_HEADER</c> (+
/// <c>IDENTITY_SERVER_THUMBPRINT</c> for Service Fabric, else App Service); <c>MSI_ENDPOINT</c> (Cloud Shell);
/// <c>IDENTITY_ENDPOINT</c> + <c>IMDS_ENDPOINT</c>, or the Arc agent installed (Azure Arc); otherwise IMDS.
/// Reading variables is all it does: nothing is sent.
/// </summary>
internal static class ManagedIdentityEnvironment
{
    /// <summary>Where the Azure Connected Machine agent is installed; its presence means Azure Arc when no variable says so.</summary>
    internal static readonly string ArcAgentPath = OperatingSystem.IsWindows()
        ? Environment.ExpandEnvironmentVariables(@"%ProgramFiles%\AzureConnectedMachineAgent\himds.exe")
        : "/opt/azcmagent/bin/himds";

    /// <summary>The Arc agent's local endpoint when it is installed but the variables are not set.</summary>
    internal const string ArcDefaultEndpoint = "http://127.0.0.1:40342/metadata/identity/oauth2/token";

    public static ManagedIdentitySource Detect(Func<string, string?> variable, Func<string, bool> fileExists)
    {
        var identityEndpoint = Value(variable, ManagedIdentityVariables.IdentityEndpoint);
        var identityHeader = Value(variable, ManagedIdentityVariables.IdentityHeader);
        if (identityEndpoint is not null && identityHeader is not null)
        {
            return Value(variable, ManagedIdentityVariables.IdentityServerThumbprint) is not null
                ? ManagedIdentitySource.ServiceFabric
                : ManagedIdentitySource.AppService;
        }

        if (Value(variable, ManagedIdentityVariables.MsiEndpoint) is not null)
        {
            return ManagedIdentitySource.CloudShell;
        }

        if ((identityEndpoint is not null && Value(variable, ManagedIdentityVariables.ImdsEndpoint) is not null) || fileExists(ArcAgentPath))
        {
            return ManagedIdentitySource.AzureArc;
        }

        return ManagedIdentitySource.Imds;
    }

    /// <summary>A variable's value, or null when unset or blank.</summary>
    public static string? Value(Func<string, string?> variable, string name) =>
        variable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
