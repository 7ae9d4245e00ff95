using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol;

/// <summary>
/// Mutual TLS client authentication (RFC 8705 §2): the client proves itself with <see cref="Certificate"/> on the TLS
/// connection and sends only its <c>client_id</c> in the body. Requests go to the server's
/// <c>mtls_endpoint_aliases</c> token endpoint when its metadata names one (RFC 8705 §5), which must be https. A
/// <see cref="ClientCredentialsClient"/> given no <see cref="ClientCredentialsClientOptions.HttpClient"/> presents the
/// certificate itself (<see cref="TokenEndpointHttpHandler.Create(X509Certificate2)"/>); a caller's HttpClient must be
/// built on that handler. Servers that issue certificate-bound tokens (<c>cnf.x5t#S256</c>, RFC 8705 §3) expect the
/// same certificate on the resource request.
/// </summary>
public sealed class TlsClientCertificateCredential : ClientCredential
{
    private string? _cacheIdentity;

    /// <summary>Creates the credential; the certificate must hold its private key.</summary>
    /// <param name="certificate">The client certificate.</param>
    /// <param name="kind">Whether the server checks it against a CA and the registered subject (<c>tls_client_auth</c>) or
    /// against the registered certificate itself (<c>self_signed_tls_client_auth</c>).</param>
    public TlsClientCertificateCredential(X509Certificate2 certificate, TlsClientCertificateKind kind = TlsClientCertificateKind.IssuedByCertificateAuthority)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!Enum.IsDefined(kind))
        {
            throw new ClientCredentialsConfigurationException("Certificate", $"Unknown TLS client certificate kind {(int)kind}.");
        }

        if (!certificate.HasPrivateKey)
        {
            throw new ClientCredentialsConfigurationException("Certificate", $"Certificate '{certificate.Subject}' (thumbprint {certificate.Thumbprint}) has no private key; mutual TLS needs the key to present the certificate.");
        }

        Certificate = certificate;
        Kind = kind;
    }

    /// <summary>The client certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>How the server checks the certificate.</summary>
    public TlsClientCertificateKind Kind { get; }

    /// <inheritdoc />
    public override string AuthenticationMethod =>
        Kind == TlsClientCertificateKind.SelfSigned ? ClientAuthenticationMethods.SelfSignedTlsClientAuth : ClientAuthenticationMethods.TlsClientAuth;

    internal override bool PresentsTlsClientCertificate => true;

    /// <summary>
    /// <c>mtls-x5t#S256:</c> and the certificate's SHA-256 thumbprint: a server may bind its tokens to this certificate
    /// (RFC 8705 §3), so tokens of different certificates never share an entry, nor with a certificate's assertions.
    /// </summary>
    // Stryker disable once Assignment : memoisation only; the thumbprint of the same certificate is the same every time
    internal override string CacheIdentity => _cacheIdentity ??= "mtls-x5t#S256:" + CertificateThumbprints.X5tS256(Certificate);

    private protected override void ValidateCore(TokenAuthority authority, TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow();
        if (now > Certificate.NotAfter.ToUniversalTime() || now < Certificate.NotBefore.ToUniversalTime())
        {
            throw new ClientCredentialsConfigurationException("Certificate", $"Certificate '{Certificate.Subject}' (thumbprint {Certificate.Thumbprint}) is valid from {Certificate.NotBefore.ToUniversalTime():u} to {Certificate.NotAfter.ToUniversalTime():u}, not now; a TLS server refuses it.");
        }
    }

    internal override ValueTask ApplyAsync(ClientAuthenticationContext context, TokenRequestMessage message, CancellationToken cancellationToken)
    {
        if (context.TokenEndpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new ClientCredentialsConfigurationException("Credential", $"{AuthenticationMethod} presents the client certificate on a TLS connection, but the token endpoint {AuthorityUri.Printable(context.TokenEndpoint)} is not https and the server's metadata names no https mtls_endpoint_aliases token_endpoint. Nothing was sent.");
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => $"TLS client certificate {Certificate.Subject} (thumbprint {Certificate.Thumbprint}, {AuthenticationMethod})";
}

/// <summary>How an authorization server checks a TLS client certificate (RFC 8705 §2.1, §2.2).</summary>
public enum TlsClientCertificateKind
{
    /// <summary><c>tls_client_auth</c>: the certificate chains to a CA the server trusts and carries the registered subject.</summary>
    IssuedByCertificateAuthority,

    /// <summary><c>self_signed_tls_client_auth</c>: the certificate is one registered with the client (its JWK Set).</summary>
    SelfSigned,
}
