using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol;

/// <summary>
/// Authenticates with a JWT client assertion (<c>private_key_jwt</c>, RFC 7523 §2.2) that the library builds and signs
/// with the certificate's private key for every network request: <c>aud</c> = the token endpoint, or the issuer for a
/// server found by its issuer (<see cref="CertificateCredentialOptions.Audience"/>), <c>iss</c> = <c>sub</c> = client id,
/// a new <c>jti</c>, numeric <c>iat</c>/<c>nbf</c>/<c>exp</c>.
/// </summary>
public sealed class CertificateCredential : ClientCredential
{
    private readonly AssertionSigner _signer;

    /// <summary>Creates the credential; the certificate must hold its private key.</summary>
    public CertificateCredential(X509Certificate2 certificate, CertificateCredentialOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        Options = options ?? new CertificateCredentialOptions();
        CertificateRules.CheckOptions(Options);
        Certificate = certificate;
        _signer = new AssertionSigner(certificate, Options);
    }

    /// <summary>The signing certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>How the assertion is built.</summary>
    public CertificateCredentialOptions Options { get; }

    /// <inheritdoc />
    public override string AuthenticationMethod => ClientAuthenticationMethods.PrivateKeyJwt;

    /// <summary><c>x5t#S256:</c> and the certificate's SHA-256 thumbprint (RFC 7515 §4.1.8): the public part that Entra ID matches.</summary>
    internal override string CacheIdentity => "x5t#S256:" + _signer.X5tS256;

    private protected override void ValidateCore(TokenAuthority authority, TimeProvider timeProvider)
    {
        CertificateRules.Check(Certificate, authority.Kind, Options.Algorithm, timeProvider.GetUtcNow());
        AssertionAudience.Check(Options.Audience, authority);
    }

    internal override ValueTask ApplyAsync(ClientAuthenticationContext context, TokenRequestMessage message, CancellationToken cancellationToken)
    {
        // The certificate's own rules were checked when the client validated the credential; per request only its
        // validity period can change the answer (the full check then says what is wrong).
        var now = context.TimeProvider.GetUtcNow();
        if (!_signer.IsValidAt(now))
        {
            CertificateRules.Check(Certificate, context.Authority.Kind, Options.Algorithm, now);
        }

        var (audience, type) = AssertionAudience.Resolve(Options.Audience, context);
        var claims = new AssertionClaims(audience, context.ClientId, Guid.NewGuid().ToString(), now, Options.AssertionLifetime, Options.ExtraClaims);
        var assertion = _signer.Sign(claims, context.Authority.Kind, type, context.Metadata?.TokenEndpointAuthSigningAlgValuesSupported);
        message.Form.Add(new(OAuthParameters.ClientAssertionType, OAuthParameters.JwtBearerAssertionType));
        message.Form.Add(new(OAuthParameters.ClientAssertion, assertion));
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Builds and signs the client assertion this credential would send (RFC 7523 §3): <c>aud</c> =
    /// <paramref name="tokenEndpoint"/>, <c>iss</c> = <c>sub</c> = <paramref name="clientId"/>, <c>jti</c> =
    /// <paramref name="jwtId"/>, <c>iat</c> = <c>nbf</c> = <paramref name="issuedAt"/> and <c>exp</c> that plus
    /// <see cref="CertificateCredentialOptions.AssertionLifetime"/>; the algorithm and thumbprint header follow
    /// <paramref name="authorityKind"/> (Entra ID: PS256 with <c>x5t#S256</c>). For handing an assertion to another
    /// tool, or for reproducible output; token requests build their own, with a new <c>jti</c> each time.
    /// </summary>
    /// <param name="clientId">The application (client) id.</param>
    /// <param name="tokenEndpoint">The token endpoint the assertion is for; see <see cref="TokenAuthority.GetTokenEndpointAsync"/>.</param>
    /// <param name="authorityKind">The kind of server that will read the assertion.</param>
    /// <param name="issuedAt">The issue time.</param>
    /// <param name="jwtId">A unique id for the assertion (RFC 7519 §4.1.7); servers refuse one they have seen.</param>
    /// <returns>The compact JWS.</returns>
    /// <exception cref="ClientCredentialsConfigurationException">The certificate does not suit <paramref name="authorityKind"/> or is not valid at <paramref name="issuedAt"/>.</exception>
    public string CreateAssertion(string clientId, Uri tokenEndpoint, AuthorityKind authorityKind, DateTimeOffset issuedAt, string jwtId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentNullException.ThrowIfNull(tokenEndpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(jwtId);
        if (!tokenEndpoint.IsAbsoluteUri)
        {
            throw new ArgumentException($"The token endpoint '{tokenEndpoint}' must be an absolute URI.", nameof(tokenEndpoint));
        }

        CertificateRules.Check(Certificate, authorityKind, Options.Algorithm, issuedAt);
        var claims = new AssertionClaims(tokenEndpoint.AbsoluteUri, clientId, jwtId, issuedAt, Options.AssertionLifetime, Options.ExtraClaims);
        return _signer.Sign(claims, authorityKind);
    }

    /// <summary>
    /// Builds and signs the client assertion this credential would send to the server <paramref name="context"/>
    /// describes: <c>aud</c> per <see cref="CertificateCredentialOptions.Audience"/> (the issuer, with
    /// <c>typ: client-authentication+jwt</c>, when <see cref="ClientAssertionContext.Issuer"/> is set and the audience is
    /// automatic; the token endpoint otherwise), <c>iss</c> = <c>sub</c> = the client id, <c>jti</c> = <paramref name="jwtId"/>.
    /// </summary>
    /// <param name="context">The client, token endpoint, issuer and kind of server.</param>
    /// <param name="issuedAt">The issue time.</param>
    /// <param name="jwtId">A unique id for the assertion (RFC 7519 §4.1.7).</param>
    /// <returns>The compact JWS.</returns>
    /// <exception cref="ClientCredentialsConfigurationException">The certificate does not suit the server, or the audience needs an issuer that is not given.</exception>
    public string CreateAssertion(ClientAssertionContext context, DateTimeOffset issuedAt, string jwtId)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(context.ClientId);
        ArgumentNullException.ThrowIfNull(context.TokenEndpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(jwtId);
        CertificateRules.Check(Certificate, context.AuthorityKind, Options.Algorithm, issuedAt);
        var (audience, type) = AssertionAudience.Resolve(Options.Audience, context.AuthorityKind, context.TokenEndpoint, context.Issuer);
        var claims = new AssertionClaims(audience, context.ClientId, jwtId, issuedAt, Options.AssertionLifetime, Options.ExtraClaims);
        return _signer.Sign(claims, context.AuthorityKind, type);
    }

    /// <inheritdoc />
    public override string ToString() => $"certificate {Certificate.Subject} (thumbprint {Certificate.Thumbprint})";
}
