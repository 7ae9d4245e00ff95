namespace ClientCredentials.Protocol;

/// <summary>
/// Token endpoint client authentication method names, as servers list them in
/// <c>token_endpoint_auth_methods_supported</c> (RFC 8414 §2; IANA "OAuth Token Endpoint Authentication Methods").
/// </summary>
public static class ClientAuthenticationMethods
{
    /// <summary>HTTP Basic with the form-url-encoded id and secret (RFC 6749 §2.3.1); RFC 8414's default.</summary>
    public const string ClientSecretBasic = "client_secret_basic";

    /// <summary><c>client_id</c> and <c>client_secret</c> in the form body (RFC 6749 §2.3.1).</summary>
    public const string ClientSecretPost = "client_secret_post";

    /// <summary>A JWT assertion signed with HMAC SHA-256 under the client secret (RFC 7523 §2.2, OIDC Core §9).</summary>
    public const string ClientSecretJwt = "client_secret_jwt";

    /// <summary>A JWT assertion signed with the client's private key (RFC 7523 §2.2, OIDC Core §9).</summary>
    public const string PrivateKeyJwt = "private_key_jwt";

    /// <summary>Mutual TLS with a certificate issued by a CA the server trusts (RFC 8705 §2.1).</summary>
    public const string TlsClientAuth = "tls_client_auth";

    /// <summary>Mutual TLS with a self-signed certificate registered with the client (RFC 8705 §2.2).</summary>
    public const string SelfSignedTlsClientAuth = "self_signed_tls_client_auth";
}
