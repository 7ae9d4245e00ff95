using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol;

/// <summary>
/// Authenticates with a JWT client assertion (RFC 7523 §2.2) that the library builds and signs with the
/// certificate's private key for every network request: <c>aud</c> = the token endpoint, <c>iss</c> = <c>sub</c> =
/// client id, a new <c>jti</c>, numeric <c>iat</c>/<c>nbf</c>/<c>exp</c>.
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

    internal override void Validate(TokenAuthority authority, TimeProvider timeProvider) =>
        CertificateRules.Check(Certificate, authority.Kind, Options.Algorithm, timeProvider.GetUtcNow());

    internal override ValueTask ApplyAsync(ClientAuthenticationContext context, TokenRequestMessage message, CancellationToken cancellationToken)
    {
        var assertion = CreateAssertion(context.ClientId, context.TokenEndpoint, context.Authority.Kind, context.TimeProvider.GetUtcNow(), Guid.NewGuid().ToString());
        message.Form.Add(new(OAuthParameters.ClientAssertionType, OAuthParameters.JwtBearerAssertionType));
        message.Form.Add(new(OAuthParameters.ClientAssertion, assertion));
        return ValueTask.CompletedTask;
    }

    /// <summary>Builds the assertion for fixed inputs (used by the CLI's <c>assertion</c> command and the spec vectors).</summary>
    internal string CreateAssertion(string clientId, Uri tokenEndpoint, AuthorityKind kind, DateTimeOffset now, string jti)
    {
        CertificateRules.Check(Certificate, kind, Options.Algorithm, now);
        var claims = new AssertionClaims(tokenEndpoint.AbsoluteUri, clientId, jti, now, Options.AssertionLifetime, Options.ExtraClaims);
        return _signer.Sign(claims, kind);
    }

    /// <inheritdoc />
    public override string ToString() => $"certificate {Certificate.Subject} (thumbprint {Certificate.Thumbprint})";
}
