namespace ClientCredentials.Protocol;

/// <summary>Where a client secret travels (RFC 6749 §2.3.1; OIDC Core §9 names the methods).</summary>
public enum ClientSecretTransport
{
    /// <summary><c>client_secret_post</c>: <c>client_id</c> and <c>client_secret</c> in the form body (AAD's usual way).</summary>
    RequestBody,

    /// <summary><c>client_secret_basic</c>: HTTP Basic with the form-url-encoded id and secret.</summary>
    BasicAuthentication,
}
