using System.Security.Cryptography;
using System.Text;

namespace ClientCredentials.Protocol;

/// <summary>
/// <c>client_secret_jwt</c> (RFC 7523 §2.2, OIDC Core §9): a JWT client assertion signed with HMAC SHA-256 (HS256, RFC
/// 7518 §3.2) under the client secret, made anew for every network request, so the secret itself never travels. The
/// claims are those of a certificate assertion (<c>aud</c> per <see cref="ClientSecretJwtCredentialOptions.Audience"/>,
/// <c>iss</c> = <c>sub</c> = client id, a new <c>jti</c>, numeric <c>iat</c>/<c>nbf</c>/<c>exp</c>). The secret must
/// have at least 32 bytes in UTF-8: RFC 7518 §3.2 requires a key at least as long as the hash. Never shown by
/// <see cref="ToString"/>.
/// </summary>
public sealed class ClientSecretJwtCredential : ClientCredential
{
    /// <summary>The shortest secret accepted, in UTF-8 bytes (RFC 7518 §3.2: 256 bits for HS256).</summary>
    public const int MinSecretBytes = 32;

    private readonly byte[] _key;
    private readonly ClientSecretCredential _sameSecret;

    /// <summary>Creates the credential.</summary>
    /// <param name="secret">The client secret; its UTF-8 bytes are the HMAC key.</param>
    /// <param name="options">Lifetime and audience of the assertions; defaults when null.</param>
    /// <exception cref="ClientCredentialsConfigurationException">The secret is empty or shorter than 32 bytes, or an option is out of range.</exception>
    public ClientSecretJwtCredential(string secret, ClientSecretJwtCredentialOptions? options = null)
    {
        if (string.IsNullOrEmpty(secret))
        {
            throw new ClientCredentialsConfigurationException("ClientSecret", "The client secret is empty; client_secret_jwt signs the assertion with the secret's value.");
        }

        _key = Encoding.UTF8.GetBytes(secret);
        if (_key.Length < MinSecretBytes)
        {
            throw new ClientCredentialsConfigurationException("ClientSecret", $"The client secret has {_key.Length} bytes; client_secret_jwt (HS256) needs at least {MinSecretBytes} (RFC 7518 §3.2: a key as long as the SHA-256 output). Use a longer secret, or client_secret_basic/client_secret_post.");
        }

        _sameSecret = new ClientSecretCredential(secret);
        Options = options ?? new ClientSecretJwtCredentialOptions();
        if (Options.AssertionLifetime <= TimeSpan.Zero || Options.AssertionLifetime > CertificateRules.MaxAssertionLifetime)
        {
            throw new ClientCredentialsConfigurationException("AssertionLifetime", $"The assertion lifetime must be more than zero and at most 1 hour; got {Options.AssertionLifetime}.");
        }

        if (!Enum.IsDefined(Options.Audience))
        {
            throw new ClientCredentialsConfigurationException("AssertionAudience", $"Unknown assertion audience {(int)Options.Audience}.");
        }
    }

    /// <summary>How the assertion is built.</summary>
    public ClientSecretJwtCredentialOptions Options { get; }

    /// <inheritdoc />
    public override string AuthenticationMethod => ClientAuthenticationMethods.ClientSecretJwt;

    /// <summary>The same identity as a <see cref="ClientSecretCredential"/> with this secret: the same client, the same tokens.</summary>
    internal override string CacheIdentity => _sameSecret.CacheIdentity;

    private protected override void ValidateCore(TokenAuthority authority, TimeProvider timeProvider)
    {
        if (authority.Kind != AuthorityKind.Generic)
        {
            throw new ClientCredentialsConfigurationException("Credential", $"{authority.Kind} does not accept client_secret_jwt; use a ClientSecretCredential (client_secret_post) or a CertificateCredential.");
        }

        AssertionAudience.Check(Options.Audience, authority);
    }

    internal override ValueTask ApplyAsync(ClientAuthenticationContext context, TokenRequestMessage message, CancellationToken cancellationToken)
    {
        if (context.Metadata?.TokenEndpointAuthSigningAlgValuesSupported is { } algorithms && !algorithms.Contains("HS256", StringComparer.Ordinal))
        {
            throw new ClientCredentialsConfigurationException("Credential", $"The authorization server does not list HS256 in token_endpoint_auth_signing_alg_values_supported ({UntrustedText.JoinCapped(", ", algorithms, 16)}), the algorithm of client_secret_jwt here; use another authentication method.");
        }

        var (audience, type) = AssertionAudience.Resolve(Options.Audience, context);
        var claims = new AssertionClaims(audience, context.ClientId, Guid.NewGuid().ToString(), context.TimeProvider.GetUtcNow(), Options.AssertionLifetime, AssertionClaims.NoExtra);
        var assertion = CompactJws.Create(
            header =>
            {
                header.WriteStartObject();
                header.WriteString("alg", "HS256");
                header.WriteString("typ", type);
                header.WriteEndObject();
            },
            claims.WriteTo,
            data => HMACSHA256.HashData(_key, data));
        message.Form.Add(new(OAuthParameters.ClientAssertionType, OAuthParameters.JwtBearerAssertionType));
        message.Form.Add(new(OAuthParameters.ClientAssertion, assertion));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>Not even a fingerprint of the secret.</remarks>
    public override string ToString() => "client secret (client_secret_jwt, HS256)";
}

/// <summary>How a <see cref="ClientSecretJwtCredential"/> builds its assertion.</summary>
public sealed record ClientSecretJwtCredentialOptions
{
    /// <summary>The assertion lifetime, <c>exp − iat</c>. Default 5 minutes; at most 1 hour.</summary>
    public TimeSpan AssertionLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The assertion's <c>aud</c> and <c>typ</c>; by default the issuer for a server found by its issuer.</summary>
    public ClientAssertionAudience Audience { get; init; } = ClientAssertionAudience.Automatic;
}
