using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;

namespace ClientCredentials.Protocol.Extensions.Credentials;

/// <summary>
/// Loads one <see cref="CredentialSourceOptions"/> into a <see cref="ClientCredential"/>, or throws
/// <see cref="CredentialSourceUnavailableException"/> or <see cref="ClientCredentialsConfigurationException"/> saying why
/// it cannot (a missing file, a wrong password, no matching certificate, an unset variable, an unregistered provider).
/// Certificates from a file or a store are <see cref="ReloadingCertificateCredential"/>s: rotated without a restart.
/// Messages never include secrets or passwords.
/// </summary>
internal sealed class CredentialSourceLoader(IServiceProvider services, TimeProvider timeProvider)
{
    public ClientCredential Load(string clientName, CredentialSourceOptions source) => source.SourceType switch
    {
        CredentialSourceType.ClientSecret => new ClientSecretCredential(source.ClientSecret ?? string.Empty, source.ClientSecretTransport),
        CredentialSourceType.CertificateFile => ReloadingCertificateCredential.FromFile(source.CertificatePath!, source.CertificatePassword, CertificateOptions(source), timeProvider),
        CredentialSourceType.CertificateBase64 => Certificate(source, LoadBase64(source)),
        CredentialSourceType.CertificateStore => ReloadingCertificateCredential.FromStore(
            new CertificateStoreQuery { Location = source.StoreLocation, Name = source.StoreName, Thumbprint = source.CertificateThumbprint, Subject = source.CertificateSubject },
            CertificateOptions(source),
            timeProvider),
        CredentialSourceType.FederatedTokenFile => FederatedTokenFile(source),
        CredentialSourceType.AssertionProvider => AssertionProvider(clientName, source),
        CredentialSourceType.ManagedIdentity => ManagedIdentity(clientName, source),
        _ => throw new CredentialSourceUnavailableException($"SourceType '{source.SourceType}' is not a credential source."),
    };

    private static CertificateCredential Certificate(CredentialSourceOptions source, X509Certificate2 certificate) =>
        new(certificate, CertificateOptions(source));

    private static CertificateCredentialOptions CertificateOptions(CredentialSourceOptions source) =>
        new() { SendCertificateChain = source.SendCertificateChain };

    private static X509Certificate2 LoadBase64(CredentialSourceOptions source)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(source.CertificateBase64!.Trim());
        }
        catch (FormatException ex)
        {
            throw new CredentialSourceUnavailableException("CertificateBase64 is not valid Base64; give the PFX file's bytes encoded as Base64.", ex);
        }

        try
        {
#if NET9_0_OR_GREATER
            return X509CertificateLoader.LoadPkcs12(bytes, source.CertificatePassword);
#else
            return new X509Certificate2(bytes, source.CertificatePassword);
#endif
        }
        catch (CryptographicException ex)
        {
            throw new CredentialSourceUnavailableException($"CertificateBase64 is not a PKCS#12 (PFX) that opens with the configured CertificatePassword: {ex.Message}", ex);
        }
    }

    private static FederatedTokenFileCredential FederatedTokenFile(CredentialSourceOptions source)
    {
        var path = source.TokenFilePath;
        if (string.IsNullOrWhiteSpace(path))
        {
            path = Environment.GetEnvironmentVariable(FederatedTokenFileCredential.TokenFileVariable);
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new CredentialSourceUnavailableException($"no TokenFilePath is configured and {FederatedTokenFileCredential.TokenFileVariable} is not set.");
            }
        }

        var credential = new FederatedTokenFileCredential(path);
        if (!File.Exists(credential.TokenFilePath))
        {
            throw new CredentialSourceUnavailableException($"the federated token file '{credential.TokenFilePath}' does not exist.");
        }

        return credential;
    }

    /// <summary>
    /// The resource's managed identity as the app's federated credential. Loads wherever a managed identity endpoint can
    /// be resolved from the environment (IMDS is the fallback), so place it before the credentials meant for elsewhere.
    /// </summary>
    private ManagedIdentityFederatedCredential ManagedIdentity(string clientName, CredentialSourceOptions source)
    {
        var key = ClientCredentialsDefaults.ConfigurationPathOf(clientName) + ":Credentials";
        var imds = ManagedIdentitySourceOptions.ImdsEndpointOf(source, key);
        var managedIdentity = new ManagedIdentityCredential(new ManagedIdentityOptions
        {
            Id = ManagedIdentitySourceOptions.IdOf(source, key),
            ImdsEndpoint = imds,
            Source = imds is null ? null : ManagedIdentitySource.Imds,
            TimeProvider = timeProvider,
            LoggerFactory = services.GetService<Microsoft.Extensions.Logging.ILoggerFactory>(),
        });
        return new ManagedIdentityFederatedCredential(managedIdentity, string.IsNullOrWhiteSpace(source.TokenExchangeAudience) ? null : source.TokenExchangeAudience.Trim());
    }

    private ClientAssertionCredential AssertionProvider(string clientName, CredentialSourceOptions source)
    {
        var key = string.IsNullOrWhiteSpace(source.ProviderKey) ? clientName : source.ProviderKey;
        var provider = services.GetKeyedService<IClientAssertionProvider>(key)
            ?? (string.IsNullOrWhiteSpace(source.ProviderKey) ? services.GetService<IClientAssertionProvider>() : null)
            ?? throw new CredentialSourceUnavailableException($"no {nameof(IClientAssertionProvider)} is registered under the key '{key}'; register one with services.AddKeyedSingleton<{nameof(IClientAssertionProvider)}, YourProvider>(\"{key}\").");
        return new ClientAssertionCredential(provider.GetAssertionAsync);
    }
}

/// <summary>A credential source that cannot be loaded here and now; the next source is tried.</summary>
internal sealed class CredentialSourceUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
