using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ClientCredentials.Protocol.Extensions.Configuration;

/// <summary>
/// Binds <see cref="ClientCredentialsOptions"/> from a configuration section by hand: no reflection, so it is safe
/// under trimming and native AOT. Only keys present in the section overwrite values; text that is not a valid enum
/// value is kept for the validator to report with its key.
/// </summary>
internal static class ClientCredentialsConfigurationReader
{
    public static void Bind(IConfiguration section, ClientCredentialsOptions options)
    {
        if (section is IConfigurationSection named)
        {
            options.ConfigurationPath = named.Path;
        }

        options.Instance = section[nameof(ClientCredentialsOptions.Instance)] ?? options.Instance;
        options.TenantId = section[nameof(ClientCredentialsOptions.TenantId)] ?? options.TenantId;
        options.Region = section[nameof(ClientCredentialsOptions.Region)] ?? options.Region;
        options.RegionalInstance = section[nameof(ClientCredentialsOptions.RegionalInstance)] ?? options.RegionalInstance;
        options.Authority = section[nameof(ClientCredentialsOptions.Authority)] ?? options.Authority;
        options.TokenEndpoint = section[nameof(ClientCredentialsOptions.TokenEndpoint)] ?? options.TokenEndpoint;
        options.Issuer = section[nameof(ClientCredentialsOptions.Issuer)] ?? options.Issuer;
        options.ClientId = section[nameof(ClientCredentialsOptions.ClientId)] ?? options.ClientId;

        // A single string holds space-separated values, as the scope parameter does (RFC 6749 §3.3); a section, one per child.
        options.Scopes = ReadList(section, nameof(ClientCredentialsOptions.Scopes)) ?? options.Scopes;
        options.ClientCapabilities = ReadList(section, nameof(ClientCredentialsOptions.ClientCapabilities)) ?? options.ClientCapabilities;
        options.AdditionallyAllowedTenants = ReadList(section, nameof(ClientCredentialsOptions.AdditionallyAllowedTenants)) ?? options.AdditionallyAllowedTenants;

        if (section[nameof(ClientCredentialsOptions.UseDPoP)] is { } useDPoP)
        {
            if (bool.TryParse(useDPoP, out var value))
            {
                options.UseDPoP = value;
            }
            else
            {
                options.InvalidValues.Add((nameof(ClientCredentialsOptions.UseDPoP), $"'{UntrustedText.Neutralize(useDPoP, 32)}' is not true or false"));
            }
        }

        if (section[nameof(ClientCredentialsOptions.DefaultTokenLifetime)] is { } lifetime)
        {
            ReadDefaultTokenLifetime(lifetime, options);
        }

        var credentials = section.GetSection(nameof(ClientCredentialsOptions.Credentials)).GetChildren().ToList();
        if (credentials.Count > 0)
        {
            options.Credentials = credentials.Select(ReadSource).ToList();
        }
    }

    /// <summary>The values under <paramref name="key"/>: one space-separated string or a list; null when the key is absent.</summary>
    private static List<string>? ReadList(IConfiguration section, string key)
    {
        var list = section.GetSection(key);
        if (list.Value is { } spaceSeparated)
        {
            return spaceSeparated.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        }

        var children = list.GetChildren().ToList();
        return children.Count > 0 ? children.Select(child => child.Value ?? string.Empty).ToList() : null;
    }

    /// <summary>A time span in invariant format (<c>00:30:00</c>, <c>1.00:00:00</c>), or <c>none</c> to require <c>expires_in</c>.</summary>
    private static void ReadDefaultTokenLifetime(string text, ClientCredentialsOptions options)
    {
        if (string.Equals(text.Trim(), "none", StringComparison.OrdinalIgnoreCase))
        {
            options.DefaultTokenLifetime = null;
        }
        else if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var lifetime))
        {
            options.DefaultTokenLifetime = lifetime;
        }
        else
        {
            options.InvalidValues.Add((nameof(ClientCredentialsOptions.DefaultTokenLifetime), $"'{text}' is not a time span such as 00:30:00, or none"));
        }
    }

    private static CredentialSourceOptions ReadSource(IConfigurationSection entry)
    {
        var source = new CredentialSourceOptions
        {
            ClientSecret = entry[nameof(CredentialSourceOptions.ClientSecret)],
            CertificatePath = entry[nameof(CredentialSourceOptions.CertificatePath)],
            CertificateBase64 = entry[nameof(CredentialSourceOptions.CertificateBase64)],
            CertificatePassword = entry[nameof(CredentialSourceOptions.CertificatePassword)],
            CertificateThumbprint = entry[nameof(CredentialSourceOptions.CertificateThumbprint)],
            CertificateSubject = entry[nameof(CredentialSourceOptions.CertificateSubject)],
            TokenFilePath = entry[nameof(CredentialSourceOptions.TokenFilePath)],
            ProviderKey = entry[nameof(CredentialSourceOptions.ProviderKey)],
            ManagedIdentityClientId = entry[nameof(CredentialSourceOptions.ManagedIdentityClientId)],
            ManagedIdentityObjectId = entry[nameof(CredentialSourceOptions.ManagedIdentityObjectId)],
            ManagedIdentityResourceId = entry[nameof(CredentialSourceOptions.ManagedIdentityResourceId)],
            TokenExchangeAudience = entry[nameof(CredentialSourceOptions.TokenExchangeAudience)],
            ImdsEndpoint = entry[nameof(CredentialSourceOptions.ImdsEndpoint)],
        };

        var sourceType = entry[nameof(CredentialSourceOptions.SourceType)];
        if (Enum.TryParse<CredentialSourceType>(sourceType, ignoreCase: true, out var type) && Enum.IsDefined(type) && !int.TryParse(sourceType, out _))
        {
            source.SourceType = type;
        }
        else
        {
            source.UnrecognizedSourceType = sourceType ?? string.Empty;
        }

        source.ClientSecretTransport = ReadEnum(entry, nameof(CredentialSourceOptions.ClientSecretTransport), source.ClientSecretTransport, source);
        source.StoreLocation = ReadEnum(entry, nameof(CredentialSourceOptions.StoreLocation), source.StoreLocation, source);
        source.StoreName = ReadEnum(entry, nameof(CredentialSourceOptions.StoreName), source.StoreName, source);
        if (entry[nameof(CredentialSourceOptions.SendCertificateChain)] is { } send)
        {
            if (bool.TryParse(send, out var value))
            {
                source.SendCertificateChain = value;
            }
            else
            {
                source.InvalidValues.Add((nameof(CredentialSourceOptions.SendCertificateChain), $"'{send}' is not true or false"));
            }
        }

        return source;
    }

    private static TEnum ReadEnum<TEnum>(IConfigurationSection entry, string key, TEnum current, CredentialSourceOptions source)
        where TEnum : struct, Enum
    {
        var text = entry[key];
        if (text is null)
        {
            return current;
        }

        if (Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(text, out _))
        {
            return value;
        }

        source.InvalidValues.Add((key, $"'{text}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}"));
        return current;
    }
}
