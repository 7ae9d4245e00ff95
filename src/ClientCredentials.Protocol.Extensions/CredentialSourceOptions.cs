using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol.Extensions;

/// <summary>
/// One entry of <see cref="ClientCredentialsOptions.Credentials"/>: where a client credential (RFC 6749 §2.3) comes
/// from. <see cref="SourceType"/> says which of the other properties apply.
/// </summary>
public sealed class CredentialSourceOptions
{
    /// <summary>Which kind of credential this entry describes.</summary>
    public CredentialSourceType SourceType { get; set; }

    /// <summary><see cref="CredentialSourceType.ClientSecret"/>: the secret's value (not its id).</summary>
    public string? ClientSecret { get; set; }

    /// <summary><see cref="CredentialSourceType.ClientSecret"/>: body (<c>client_secret_post</c>, default) or HTTP Basic.</summary>
    public ClientSecretTransport ClientSecretTransport { get; set; }

    /// <summary><see cref="CredentialSourceType.CertificateFile"/>: path of a PFX (PKCS#12) file holding the private key.</summary>
    public string? CertificatePath { get; set; }

    /// <summary><see cref="CredentialSourceType.CertificateBase64"/>: a PFX (PKCS#12) file encoded as Base64.</summary>
    public string? CertificateBase64 { get; set; }

    /// <summary>Password of the PFX for <see cref="CredentialSourceType.CertificateFile"/> or <see cref="CredentialSourceType.CertificateBase64"/>.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary><see cref="CredentialSourceType.CertificateStore"/>: the store location. Default <see cref="StoreLocation.CurrentUser"/>.</summary>
    public StoreLocation StoreLocation { get; set; } = StoreLocation.CurrentUser;

    /// <summary><see cref="CredentialSourceType.CertificateStore"/>: the store name. Default <see cref="StoreName.My"/>.</summary>
    public StoreName StoreName { get; set; } = StoreName.My;

    /// <summary><see cref="CredentialSourceType.CertificateStore"/>: SHA-1 thumbprint (hex) of the certificate.</summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>
    /// <see cref="CredentialSourceType.CertificateStore"/>: subject distinguished name (<c>CN=app, O=Contoso</c>) or a
    /// part of the subject name; of several matches the one valid longest is used, so a renewed certificate wins.
    /// </summary>
    public string? CertificateSubject { get; set; }

    /// <summary>Certificate sources: send the certificate in <c>x5c</c> (subject name / issuer authentication).</summary>
    public bool SendCertificateChain { get; set; }

    /// <summary><see cref="CredentialSourceType.FederatedTokenFile"/>: the token file; default the path in <c>AZURE_FEDERATED_TOKEN_FILE</c>.</summary>
    public string? TokenFilePath { get; set; }

    /// <summary>
    /// <see cref="CredentialSourceType.AssertionProvider"/>: the service key of the <see cref="IClientAssertionProvider"/>;
    /// default the client's name, then an unkeyed registration.
    /// </summary>
    public string? ProviderKey { get; set; }

    /// <summary><see cref="CredentialSourceType.ManagedIdentity"/>: a user-assigned identity by client id (GUID); none of the three ids means system-assigned.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary><see cref="CredentialSourceType.ManagedIdentity"/>: a user-assigned identity by object (principal) id (GUID).</summary>
    public string? ManagedIdentityObjectId { get; set; }

    /// <summary><see cref="CredentialSourceType.ManagedIdentity"/>: a user-assigned identity by Azure resource id.</summary>
    public string? ManagedIdentityResourceId { get; set; }

    /// <summary>
    /// <see cref="CredentialSourceType.ManagedIdentity"/>: the token exchange audience of the app's federated credential;
    /// default by cloud (<c>api://AzureADTokenExchange</c>, <c>…USGov</c>, <c>…China</c>).
    /// </summary>
    public string? TokenExchangeAudience { get; set; }

    /// <summary>
    /// <see cref="CredentialSourceType.ManagedIdentity"/>: the IMDS base URL when the source is IMDS (AAD Pod Identity, a
    /// local emulator); default <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c>, else 169.254.169.254.
    /// </summary>
    public string? ImdsEndpoint { get; set; }

    /// <summary>The configured <c>SourceType</c> text when it named no known source; reported by validation.</summary>
    internal string? UnrecognizedSourceType { get; set; }

    /// <summary>Configured values that could not be read (key, problem); reported by validation.</summary>
    internal List<(string Key, string Problem)> InvalidValues { get; } = [];
}

/// <summary>Where a credential comes from.</summary>
public enum CredentialSourceType
{
    /// <summary>Not set; validation fails.</summary>
    Unspecified,

    /// <summary>A client secret value (<see cref="CredentialSourceOptions.ClientSecret"/>).</summary>
    ClientSecret,

    /// <summary>A PFX file on disk (<see cref="CredentialSourceOptions.CertificatePath"/>, <see cref="CredentialSourceOptions.CertificatePassword"/>).</summary>
    CertificateFile,

    /// <summary>A PFX as Base64 text (<see cref="CredentialSourceOptions.CertificateBase64"/>, <see cref="CredentialSourceOptions.CertificatePassword"/>).</summary>
    CertificateBase64,

    /// <summary>A certificate in an X.509 store, found by thumbprint or subject.</summary>
    CertificateStore,

    /// <summary>A federated token file (workload identity), re-read when it changes.</summary>
    FederatedTokenFile,

    /// <summary>A signed assertion from an <see cref="IClientAssertionProvider"/> registered in the service container.</summary>
    AssertionProvider,

    /// <summary>
    /// The managed identity of the Azure resource as a federated identity credential: its token for the token exchange
    /// audience is the client assertion (<see cref="ManagedIdentityFederatedCredential"/>). Keyless.
    /// </summary>
    ManagedIdentity,
}
