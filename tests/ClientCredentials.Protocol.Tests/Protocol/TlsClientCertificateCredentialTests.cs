using System.Security.Cryptography.X509Certificates;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// Mutual TLS client authentication (RFC 8705 §2): the certificate must hold its key, its kind names the method, its
/// validity period is checked against the client's clock, its tokens are kept under its own identity, and a request
/// goes to the server's https <c>mtls_endpoint_aliases</c> token endpoint (a loopback HTTPS server plays the server).
/// </summary>
public sealed class TlsClientCertificateCredentialTests
{
    private static readonly DateTimeOffset NotBefore = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NotAfter = new(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Lazy<X509Certificate2> HalfYear = new(() => TestCertificates.Rsa(subject: "CN=mtls-half-year", notBefore: NotBefore, notAfter: NotAfter));
    private static readonly TokenAuthority Endpoint = TokenAuthority.TokenEndpoint(new Uri("https://as.example/token"));

    private static readonly IReadOnlyDictionary<string, string> Json = new Dictionary<string, string> { ["Content-Type"] = "application/json" };

    [Fact]
    public void A_null_certificate_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>("certificate", () => new TlsClientCertificateCredential(null!));
    }

    [Fact]
    public void An_unknown_kind_is_refused_with_its_number()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new TlsClientCertificateCredential(TestCertificates.SharedRsa2048, (TlsClientCertificateKind)7));

        Assert.Equal("Certificate", error.Setting);
        Assert.Contains("Unknown TLS client certificate kind 7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_without_its_private_key_is_refused_naming_it()
    {
        using var publicOnly = TestCertificates.PublicOnly(TestCertificates.SharedRsa2048);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new TlsClientCertificateCredential(publicOnly));

        Assert.Equal("Certificate", error.Setting);
        Assert.Contains(publicOnly.Thumbprint, error.Message, StringComparison.Ordinal);
        Assert.Contains(publicOnly.Subject, error.Message, StringComparison.Ordinal);
        Assert.Contains("has no private key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ca_issued_certificate_authenticates_with_tls_client_auth()
    {
        Assert.Equal("tls_client_auth", new TlsClientCertificateCredential(TestCertificates.SharedRsa2048).AuthenticationMethod);
    }

    [Fact]
    public void A_self_signed_certificate_authenticates_with_self_signed_tls_client_auth()
    {
        Assert.Equal("self_signed_tls_client_auth", new TlsClientCertificateCredential(TestCertificates.SharedRsa2048, TlsClientCertificateKind.SelfSigned).AuthenticationMethod);
    }

    [Fact]
    public void It_shows_the_certificate_and_the_method()
    {
        var certificate = TestCertificates.SharedRsa2048;

        var shown = new TlsClientCertificateCredential(certificate, TlsClientCertificateKind.SelfSigned).ToString();

        Assert.Equal($"TLS client certificate {certificate.Subject} (thumbprint {certificate.Thumbprint}, self_signed_tls_client_auth)", shown);
    }

    [Fact]
    public void Its_tokens_are_kept_under_the_certificates_sha256_thumbprint_apart_from_assertions_of_the_same_certificate()
    {
        var certificate = TestCertificates.SharedRsa2048;

        var identity = new TlsClientCertificateCredential(certificate).CacheIdentity;

        Assert.Equal("mtls-x5t#S256:" + CertificateThumbprints.X5tS256(certificate), identity);
        Assert.Equal(identity, new TlsClientCertificateCredential(certificate, TlsClientCertificateKind.SelfSigned).CacheIdentity);
        Assert.NotEqual(identity, new CertificateCredential(certificate).CacheIdentity);
    }

    [Fact]
    public void The_certificate_is_accepted_on_the_first_and_the_last_second_of_its_validity()
    {
        var credential = new TlsClientCertificateCredential(HalfYear.Value);

        credential.Validate(Endpoint, new TestClock(NotBefore));
        credential.Validate(Endpoint, new TestClock(NotAfter));
    }

    [Fact]
    public void A_certificate_that_has_expired_is_refused_with_its_validity_period()
    {
        var credential = new TlsClientCertificateCredential(HalfYear.Value);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => credential.Validate(Endpoint, new TestClock(NotAfter.AddSeconds(1))));

        Assert.Equal("Certificate", error.Setting);
        Assert.Contains("CN=mtls-half-year", error.Message, StringComparison.Ordinal);
        Assert.Contains(HalfYear.Value.Thumbprint, error.Message, StringComparison.Ordinal);
        Assert.Contains("is valid from 2026-01-01 00:00:00Z to 2026-07-01 00:00:00Z, not now", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_that_is_not_yet_valid_is_refused()
    {
        var credential = new TlsClientCertificateCredential(HalfYear.Value);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => credential.Validate(Endpoint, new TestClock(NotBefore.AddSeconds(-1))));

        Assert.Equal("Certificate", error.Setting);
    }

    [Fact]
    public async Task The_request_goes_to_the_https_mtls_alias_of_the_servers_metadata()
    {
        using var serverCertificate = TestCertificates.Rsa(subject: "CN=mtls-loopback-server");
        await using var server = await ReplayEndpoint.StartAsync(serverCertificate);
        var issuer = new Uri(server.BaseAddress, "tenant-a").AbsoluteUri;
        server.Play(
            new RecordedResponse(200, Json, $$$"""{"issuer":"{{{issuer}}}","token_endpoint":"{{{issuer}}}/token","mtls_endpoint_aliases":{"token_endpoint":"{{{issuer}}}/mtls/token"}}"""),
            new RecordedResponse(200, Json, """{"token_type":"Bearer","expires_in":3599,"access_token":"bound"}"""));
        var certificate = TestCertificates.SharedRsa2048;
        using var handler = TokenEndpointHttpHandler.Create(certificate);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == serverCertificate.Thumbprint;
        using var http = new HttpClient(handler, disposeHandler: false);
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.OAuthIssuer(new Uri(issuer)),
            ClientId = "svc",
            Credential = new TlsClientCertificateCredential(certificate),
            Scopes = ["read"],
            HttpClient = http,
            Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
        });

        var token = await client.GetTokenAsync();

        Assert.Equal("bound", token.Token);
        var post = Assert.Single(server.Requests, r => r.Method == "POST");
        Assert.Equal("/tenant-a/mtls/token", post.Path);
        Assert.Contains("client_id=svc", post.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("client_assertion", post.Body, StringComparison.Ordinal);
    }
}
