namespace ClientCredentials.Protocol;

/// <summary>
/// Refuses, before anything is sent, a credential whose authentication method the server's metadata does not list in
/// <c>token_endpoint_auth_methods_supported</c> (RFC 8414 §2): the server would answer <c>invalid_client</c>, and a
/// secret would have been sent to a server that said it does not take it that way. When the list is absent nothing is
/// refused (RFC 8414 then implies only <c>client_secret_basic</c>, which many servers do not mean).
/// </summary>
internal static class ClientAuthenticationMethodRule
{
    public static void Check(ClientCredential credential, AuthorizationServerMetadata? metadata)
    {
        if (metadata is null || credential.AuthenticationMethod is not { } method || !metadata.Refuses(method))
        {
            return;
        }

        var supported = metadata.TokenEndpointAuthMethodsSupported!;
        throw new ClientCredentialsConfigurationException(
            "Credential",
            $"The authorization server {UntrustedText.Neutralize(metadata.Issuer, 256)} does not accept {method}: its token_endpoint_auth_methods_supported lists {(supported.Count == 0 ? "no method" : UntrustedText.JoinCapped(", ", supported, 16))}. " +
            "Configure a credential for one of those (client_secret_basic/client_secret_post: ClientSecretCredential; client_secret_jwt: ClientSecretJwtCredential; private_key_jwt: CertificateCredential; tls_client_auth/self_signed_tls_client_auth: TlsClientCertificateCredential). Nothing was sent.");
    }
}
