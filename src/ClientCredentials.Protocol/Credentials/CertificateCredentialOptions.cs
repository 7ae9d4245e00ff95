using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol;

/// <summary>How a <see cref="CertificateCredential"/> builds its client assertion (RFC 7523 §3).</summary>
public sealed record CertificateCredentialOptions
{
    /// <summary>The assertion lifetime, <c>exp − iat</c>. Default 10 minutes, as MSAL; at most 1 hour.</summary>
    public TimeSpan AssertionLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The signing algorithm; <see cref="ClientAssertionAlgorithm.Automatic"/> picks per authority kind.</summary>
    public ClientAssertionAlgorithm Algorithm { get; init; } = ClientAssertionAlgorithm.Automatic;

    /// <summary>
    /// The assertion's <c>aud</c> and <c>typ</c>: by default the issuer with <c>typ: client-authentication+jwt</c> for a
    /// server found by its issuer (draft-ietf-oauth-rfc7523bis), the token endpoint for Entra ID, ADFS and an explicit
    /// token endpoint.
    /// </summary>
    public ClientAssertionAudience Audience { get; init; } = ClientAssertionAudience.Automatic;

    /// <summary>
    /// Adds the <c>x5c</c> header (RFC 7515 §4.1.6: an array of Base64 DER certificates, leaf first), needed for
    /// Entra's subject name + issuer authentication.
    /// </summary>
    public bool SendCertificateChain { get; init; }

    /// <summary>Intermediate certificates to append to <c>x5c</c> after the leaf, in order.</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; init; } = [];

    /// <summary>A <c>kid</c> header value for servers that select keys by id (not sent to Entra unless set).</summary>
    public string? KeyId { get; init; }

    /// <summary>
    /// Claims added to the payload after the defaults. Values may be string, bool, int, long, double,
    /// <see cref="DateTimeOffset"/> (written as NumericDate), string arrays, or System.Text.Json elements/nodes.
    /// <c>aud</c>, <c>iss</c>, <c>sub</c>, <c>jti</c>, <c>iat</c>, <c>nbf</c> and <c>exp</c> cannot be overridden.
    /// </summary>
    public IReadOnlyDictionary<string, object> ExtraClaims { get; init; } = new Dictionary<string, object>();
}
