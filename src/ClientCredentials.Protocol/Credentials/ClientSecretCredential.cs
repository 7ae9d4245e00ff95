using System.Net.Http.Headers;
using System.Text;

namespace ClientCredentials.Protocol;

/// <summary>
/// A client secret (RFC 6749 §2.3.1), sent in the body (<c>client_secret_post</c>, the default) or as HTTP Basic
/// (<c>client_secret_basic</c>). The secret is never shown by <see cref="ToString"/>.
/// </summary>
public sealed class ClientSecretCredential : ClientCredential
{
    /// <summary>
    /// The salt of the secret's cache identity: fixed, so that every process derives the same identity for the same
    /// secret (a fleet shares tokens through a distributed cache keyed by it).
    /// </summary>
    private static readonly byte[] CacheIdentitySalt = Encoding.UTF8.GetBytes("ClientCredentials.Protocol/cache-key/client-secret/1");

    /// <summary>PBKDF2 iterations for the cache identity: computed once per credential, costly for a guesser.</summary>
    private const int CacheIdentityIterations = 10_000;

    private readonly string _secret;
    private string? _cacheIdentity;

    /// <summary>Creates the credential.</summary>
    /// <param name="secret">The secret value (not its id).</param>
    /// <param name="transport">Where the secret travels.</param>
    public ClientSecretCredential(string secret, ClientSecretTransport transport = ClientSecretTransport.RequestBody)
    {
        if (string.IsNullOrEmpty(secret))
        {
            throw new ClientCredentialsConfigurationException("ClientSecret", "The client secret is empty. Use the secret's Value from the app registration (Certificates & secrets), not its Secret ID.");
        }

        if (!Enum.IsDefined(transport))
        {
            throw new ClientCredentialsConfigurationException("ClientSecretTransport", $"Unknown client secret transport {(int)transport}.");
        }

        _secret = secret;
        Transport = transport;
    }

    /// <summary>Where the secret travels.</summary>
    public ClientSecretTransport Transport { get; }

    /// <inheritdoc />
    public override string AuthenticationMethod =>
        Transport == ClientSecretTransport.BasicAuthentication ? ClientAuthenticationMethods.ClientSecretBasic : ClientAuthenticationMethods.ClientSecretPost;

    /// <summary>
    /// <c>secret:</c> and the Base64url PBKDF2-SHA256 digest of the secret under a fixed salt, computed once: equal
    /// secrets share tokens, different ones never do, and the key reveals nothing a guesser can check cheaply.
    /// </summary>
    // Stryker disable once Assignment : memoisation only; PBKDF2 of the same secret and salt gives the same identity every time
    internal override string CacheIdentity => _cacheIdentity ??=
        "secret:" + System.Buffers.Text.Base64Url.EncodeToString(
            System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(_secret, CacheIdentitySalt, CacheIdentityIterations, System.Security.Cryptography.HashAlgorithmName.SHA256, 32));

    internal override bool AuthenticatesInHeader => Transport == ClientSecretTransport.BasicAuthentication;

    internal override ValueTask ApplyAsync(ClientAuthenticationContext context, TokenRequestMessage message, CancellationToken cancellationToken)
    {
        if (Transport == ClientSecretTransport.BasicAuthentication)
        {
            message.Authorization = new AuthenticationHeaderValue("Basic", BasicCredentials.Encode(context.ClientId, _secret));
        }
        else
        {
            message.Form.Add(new(OAuthParameters.ClientSecret, _secret));
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>Not even a fingerprint: a hash of a weak secret in a log could be checked against guesses offline.</remarks>
    public override string ToString() => $"client secret ({AuthenticationMethod})";
}

/// <summary>
/// RFC 6749 §2.3.1: the client id and secret are each encoded with application/x-www-form-urlencoded
/// (Appendix B) before being joined with <c>:</c> and Base64-encoded for HTTP Basic (RFC 7617).
/// </summary>
internal static class BasicCredentials
{
    public static string Encode(string clientId, string secret) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(FormUrlEncoding.Encode(clientId) + ":" + FormUrlEncoding.Encode(secret)));
}
