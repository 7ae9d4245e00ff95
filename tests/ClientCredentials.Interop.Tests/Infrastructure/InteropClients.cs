using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace ClientCredentials.Interop.Tests.Infrastructure;

/// <summary>
/// The clients registered at the provider, one per authentication method, with their secrets, keys and certificates
/// (made in memory for the run), and the TLS certificates of the provider's mTLS listener.
/// </summary>
public sealed class InteropClients : IDisposable
{
    public const string BasicId = "interop-secret-basic";

    /// <summary>Reserved characters of form encoding and of HTTP Basic (':' '+' '%' '&amp;' '=' '/' '?' '#', a space...).</summary>
    public const string BasicSecret = "b4s1c:s/e+c%r&e=t?#[] ~!$'()*,;@";

    public const string PostId = "interop-secret-post";
    public const string PostSecret = "p0st-s3cret+with/reserved=chars&more";

    public const string SecretJwtId = "interop-secret-jwt";
    public const string SecretJwtSecret = "hs256-secret-of-more-than-32-bytes:0123456789abcdef";

    public const string Rs256Id = "interop-private-key-jwt-rs256";
    public const string Ps256Id = "interop-private-key-jwt-ps256";
    public const string Es256Id = "interop-private-key-jwt-es256";

    public const string DPoPId = "interop-dpop";
    public const string DPoPSecret = "dp0p-client-secret-0123456789";

    public const string TlsId = "interop-tls-client-auth";
    public const string TlsSubject = "CN=interop-mtls-client";
    public const string SelfSignedTlsId = "interop-self-signed-tls-client-auth";

    public X509Certificate2 RsaCertificate { get; } = TestCertificates.Rsa(subject: "CN=interop-rsa-client");

    public X509Certificate2 EcCertificate { get; } = TestCertificates.EcP256("CN=interop-ec-client");

    /// <summary>A certificate no client registered: its assertions must be refused.</summary>
    public X509Certificate2 UnregisteredCertificate { get; } = TestCertificates.Rsa(subject: "CN=interop-unregistered");

    public X509Certificate2 CertificateAuthority { get; } = TestCertificates.CertificateAuthority("CN=interop-test-ca");

    public X509Certificate2 ServerCertificate { get; }

    public X509Certificate2 TlsClientCertificate { get; }

    public X509Certificate2 SelfSignedTlsCertificate { get; } = TestCertificates.Rsa(subject: "CN=interop-self-signed-mtls-client");

    public InteropClients()
    {
        ServerCertificate = TestCertificates.IssuedBy(CertificateAuthority, "CN=127.0.0.1", System.Net.IPAddress.Loopback);
        TlsClientCertificate = TestCertificates.IssuedBy(CertificateAuthority, TlsSubject);
    }

    /// <summary>The server configuration <c>server.mjs</c> reads.</summary>
    public JsonObject ServerConfiguration() => new()
    {
        ["clients"] = new JsonArray(
            Client(BasicId, "client_secret_basic", BasicSecret),
            Client(PostId, "client_secret_post", PostSecret),
            Client(SecretJwtId, "client_secret_jwt", SecretJwtSecret, signingAlg: "HS256"),
            Client(Rs256Id, "private_key_jwt", jwks: Jwks(RsaCertificate), signingAlg: "RS256"),
            Client(Ps256Id, "private_key_jwt", jwks: Jwks(RsaCertificate), signingAlg: "PS256"),
            Client(Es256Id, "private_key_jwt", jwks: Jwks(EcCertificate), signingAlg: "ES256"),
            WithDPoP(Client(DPoPId, "client_secret_post", DPoPSecret)),
            WithCertificateBinding(Client(TlsId, "tls_client_auth", extra: ("tls_client_auth_subject_dn", TlsSubject))),
            WithCertificateBinding(Client(SelfSignedTlsId, "self_signed_tls_client_auth", jwks: Jwks(SelfSignedTlsCertificate, withCertificate: true)))),
        ["tls"] = new JsonObject
        {
            ["cert"] = TestCertificates.CertificatePem(ServerCertificate),
            ["key"] = TestCertificates.PrivateKeyPem(ServerCertificate),
            ["ca"] = TestCertificates.CertificatePem(CertificateAuthority),
        },
    };

    public void Dispose()
    {
        foreach (var certificate in new[] { RsaCertificate, EcCertificate, UnregisteredCertificate, CertificateAuthority, ServerCertificate, TlsClientCertificate, SelfSignedTlsCertificate })
        {
            certificate.Dispose();
        }
    }

    private static JsonObject Client(string id, string method, string? secret = null, JsonObject? jwks = null, string? signingAlg = null, (string Name, string Value)? extra = null)
    {
        var client = new JsonObject { ["client_id"] = id, ["token_endpoint_auth_method"] = method };
        if (secret is not null)
        {
            client["client_secret"] = secret;
        }

        if (jwks is not null)
        {
            client["jwks"] = jwks;
        }

        if (signingAlg is not null)
        {
            client["token_endpoint_auth_signing_alg"] = signingAlg;
        }

        if (extra is { } pair)
        {
            client[pair.Name] = pair.Value;
        }

        return client;
    }

    private static JsonObject WithDPoP(JsonObject client)
    {
        client["dpop_bound_access_tokens"] = true;
        return client;
    }

    private static JsonObject WithCertificateBinding(JsonObject client)
    {
        client["tls_client_certificate_bound_access_tokens"] = true;
        return client;
    }

    /// <summary>The certificate's public key as a JWK Set (RFC 7517), with <c>x5c</c> for a self-signed mTLS client.</summary>
    private static JsonObject Jwks(X509Certificate2 certificate, bool withCertificate = false)
    {
        JsonObject key;
        using (var rsa = certificate.GetRSAPublicKey())
        {
            if (rsa is not null)
            {
                var parameters = rsa.ExportParameters(false);
                key = new JsonObject { ["kty"] = "RSA", ["n"] = Base64Url.EncodeToString(parameters.Modulus), ["e"] = Base64Url.EncodeToString(parameters.Exponent) };
            }
            else
            {
                using var ec = certificate.GetECDsaPublicKey()!;
                var parameters = ec.ExportParameters(false);
                key = new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64Url.EncodeToString(parameters.Q.X), ["y"] = Base64Url.EncodeToString(parameters.Q.Y) };
            }
        }

        if (withCertificate)
        {
            key["x5c"] = new JsonArray(Convert.ToBase64String(certificate.RawData));
        }

        return new JsonObject { ["keys"] = new JsonArray(key) };
    }
}
