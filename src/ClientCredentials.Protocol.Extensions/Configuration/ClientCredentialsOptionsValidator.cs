using ClientCredentials.Protocol.Extensions.Credentials;
using Microsoft.Extensions.Options;

namespace ClientCredentials.Protocol.Extensions.Configuration;

/// <summary>
/// Checks a named client's options before the host starts (<c>ValidateOnStart</c>): authority, client id, scopes
/// and the shape of every credential entry. Each failure names the configuration key to fix, for example
/// <c>ClientCredentials:graph:TenantId</c>. Whether a certificate file or store entry exists is checked when the
/// client is created, because the credentials list is a fallback chain.
/// </summary>
internal sealed class ClientCredentialsOptionsValidator(IEnumerable<ClientCredentialsRegistration> registrations, TimeProvider timeProvider)
    : IValidateOptions<ClientCredentialsOptions>
{
    private readonly HashSet<string> _names = registrations.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);

    public ValidateOptionsResult Validate(string? name, ClientCredentialsOptions options)
    {
        if (name is null || !_names.Contains(name))
        {
            return ValidateOptionsResult.Skip;
        }

        var path = options.ConfigurationPath;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add($"{path}:ClientId is required: the application (client) id of the app registration.");
        }
        else if (options.ClientId.AsSpan().Trim().IndexOfAnyExceptInRange('\u0020', '\u007E') >= 0)
        {
            // The same rule the client applies (RFC 6749 Appendix A.1), checked at start-up so the message names the key.
            failures.Add($"{path}:ClientId contains a control or non-ASCII character; a client id is printable ASCII, for Entra ID the application (client) id GUID.");
        }

        TokenAuthority? authority = null;
        try
        {
            authority = ConfiguredAuthority.Create(options, timeProvider);
        }
        catch (ClientCredentialsConfigurationException ex)
        {
            failures.Add(ex.Message);
        }

        if (authority is not null && options.Scopes.Count > 0)
        {
            try
            {
                ClientCredentialsScope.Validate(options.Scopes.ToList(), authority.Kind);
            }
            catch (ClientCredentialsConfigurationException ex)
            {
                failures.Add($"{path}:Scopes: {ex.Message}");
            }
        }

        foreach (var capability in options.ClientCapabilities)
        {
            if (string.IsNullOrWhiteSpace(capability) || capability.Any(c => c is ' ' or '"' or '\\' || c < 0x21 || c > 0x7e))
            {
                failures.Add($"{path}:ClientCapabilities: '{capability}' is not a capability name such as cp1.");
            }
        }

        ValidateAllowedTenants(options, path, failures);
        foreach (var (key, problem) in options.InvalidValues)
        {
            failures.Add($"{path}:{key}: {problem}.");
        }

        if (options.DefaultTokenLifetime is { } lifetime && lifetime <= TimeSpan.Zero)
        {
            failures.Add($"{path}:DefaultTokenLifetime must be positive (for example 00:30:00), or none to refuse answers without expires_in.");
        }

        ValidateCredentials(options, path, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Every entry a tenant or <c>*</c>, and only with an Entra ID <c>TenantId</c>, since no other server has tenants.</summary>
    private static void ValidateAllowedTenants(ClientCredentialsOptions options, string path, List<string> failures)
    {
        if (!options.AdditionallyAllowedTenants.Any(t => !string.IsNullOrWhiteSpace(t)))
        {
            return;
        }

        var key = $"{path}:{nameof(ClientCredentialsOptions.AdditionallyAllowedTenants)}";
        if (string.IsNullOrWhiteSpace(options.TenantId))
        {
            failures.Add($"{key} applies to Entra ID only (with {path}:TenantId); remove it for other servers, which have no tenants.");
            return;
        }

        try
        {
            _ = new TenantAllowList(options.AdditionallyAllowedTenants, key);
        }
        catch (ClientCredentialsConfigurationException ex)
        {
            failures.Add(ex.Message);
        }
    }

    /// <summary>At most one identity id, each of the right shape; an audience and IMDS URL that the core accepts.</summary>
    private static void ValidateManagedIdentity(CredentialSourceOptions source, string key, List<string> failures)
    {
        try
        {
            ManagedIdentitySourceOptions.IdOf(source, key);
            _ = ManagedIdentitySourceOptions.ImdsEndpointOf(source, key);
            if (source.TokenExchangeAudience is { } audience && (string.IsNullOrWhiteSpace(audience) || audience.Any(char.IsWhiteSpace)))
            {
                failures.Add($"{key}:TokenExchangeAudience '{audience}' must be one audience without white space, for example api://AzureADTokenExchange.");
            }
        }
        catch (ClientCredentialsConfigurationException ex)
        {
            failures.Add(ex.Message);
        }
    }

    private static void ValidateCredentials(ClientCredentialsOptions options, string path, List<string> failures)
    {
        if (options.Credential is not null)
        {
            if (options.Credentials.Count > 0)
            {
                failures.Add($"{path}:Credentials is set together with a Credential object given in code; use one or the other.");
            }

            return;
        }

        if (options.Credentials.Count == 0)
        {
            failures.Add($"{path}:Credentials is empty: list at least one credential, for example {{ \"SourceType\": \"ClientSecret\", \"ClientSecret\": \"...\" }} or a certificate.");
            return;
        }

        for (var i = 0; i < options.Credentials.Count; i++)
        {
            var key = $"{path}:Credentials:{i}";
            var source = options.Credentials[i];
            if (source is null)
            {
                failures.Add($"{key} is empty.");
                continue;
            }

            foreach (var (name, problem) in source.InvalidValues)
            {
                failures.Add($"{key}:{name}: {problem}.");
            }

            if (source.SourceType == CredentialSourceType.Unspecified)
            {
                var given = string.IsNullOrEmpty(source.UnrecognizedSourceType) ? "is required" : $"'{source.UnrecognizedSourceType}' is not a credential source";
                failures.Add($"{key}:SourceType {given}; use one of {string.Join(", ", Enum.GetNames<CredentialSourceType>().Skip(1))}.");
                continue;
            }

            var missing = source.SourceType switch
            {
                CredentialSourceType.ClientSecret when string.IsNullOrEmpty(source.ClientSecret) => "ClientSecret",
                CredentialSourceType.CertificateFile when string.IsNullOrWhiteSpace(source.CertificatePath) => "CertificatePath",
                CredentialSourceType.CertificateBase64 when string.IsNullOrWhiteSpace(source.CertificateBase64) => "CertificateBase64",
                CredentialSourceType.CertificateStore when string.IsNullOrWhiteSpace(source.CertificateThumbprint) && string.IsNullOrWhiteSpace(source.CertificateSubject) => "CertificateThumbprint",
                _ => null,
            };
            if (missing is not null)
            {
                var hint = missing == "CertificateThumbprint" ? $" (or {key}:CertificateSubject)" : string.Empty;
                failures.Add($"{key}:{missing}{hint} is required for SourceType {source.SourceType}.");
            }

            if (source.SourceType == CredentialSourceType.ManagedIdentity)
            {
                ValidateManagedIdentity(source, key, failures);
            }
        }
    }
}

/// <summary>Marks a name registered with <c>AddClientCredentials</c>.</summary>
internal sealed record ClientCredentialsRegistration(string Name);
