using ClientCredentials.Cli.Hosting;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Acquisition;

/// <summary>What kind of credential the options give, before any secret is read.</summary>
internal enum CredentialKind
{
    Secret,
    Certificate,
    AssertionFile,
    FederatedTokenFile,
}

/// <summary>
/// Decides the token endpoint authentication method (RFC 8414 names) for <c>--client-auth</c>: the one asked for, which
/// must suit the credential; otherwise <c>client_secret_post</c> / <c>private_key_jwt</c> for Entra ID, ADFS and an
/// explicit token endpoint, and for <c>--issuer</c> the first method in the server's
/// <c>token_endpoint_auth_methods_supported</c> that the credential can do (RFC 8414's default
/// <c>client_secret_basic</c> when the server lists none).
/// </summary>
internal static class ClientAuthenticationChoice
{
    /// <summary>The values <c>--client-auth</c> takes: short names and the RFC 8414 names.</summary>
    public static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["basic"] = ClientAuthenticationMethods.ClientSecretBasic,
        ["post"] = ClientAuthenticationMethods.ClientSecretPost,
        ["secret-jwt"] = ClientAuthenticationMethods.ClientSecretJwt,
        ["private-key-jwt"] = ClientAuthenticationMethods.PrivateKeyJwt,
        ["tls"] = ClientAuthenticationMethods.TlsClientAuth,
        ["self-signed-tls"] = ClientAuthenticationMethods.SelfSignedTlsClientAuth,
        [ClientAuthenticationMethods.ClientSecretBasic] = ClientAuthenticationMethods.ClientSecretBasic,
        [ClientAuthenticationMethods.ClientSecretPost] = ClientAuthenticationMethods.ClientSecretPost,
        [ClientAuthenticationMethods.ClientSecretJwt] = ClientAuthenticationMethods.ClientSecretJwt,
        [ClientAuthenticationMethods.PrivateKeyJwt] = ClientAuthenticationMethods.PrivateKeyJwt,
        [ClientAuthenticationMethods.TlsClientAuth] = ClientAuthenticationMethods.TlsClientAuth,
        [ClientAuthenticationMethods.SelfSignedTlsClientAuth] = ClientAuthenticationMethods.SelfSignedTlsClientAuth,
    };

    /// <summary>The methods a kind of credential can do, in the order preferred when the server does not decide.</summary>
    public static IReadOnlyList<string> MethodsFor(CredentialKind kind) => kind switch
    {
        CredentialKind.Secret => [ClientAuthenticationMethods.ClientSecretPost, ClientAuthenticationMethods.ClientSecretBasic, ClientAuthenticationMethods.ClientSecretJwt],
        CredentialKind.Certificate => [ClientAuthenticationMethods.PrivateKeyJwt, ClientAuthenticationMethods.TlsClientAuth, ClientAuthenticationMethods.SelfSignedTlsClientAuth],
        _ => [ClientAuthenticationMethods.PrivateKeyJwt],
    };

    public static async Task<string> ChooseAsync(CredentialKind kind, string? requested, TokenAuthority authority, Func<Task<AuthorizationServerMetadata?>> metadata)
    {
        var possible = MethodsFor(kind);
        if (requested is not null)
        {
            if (!Names.TryGetValue(requested, out var method))
            {
                throw new CliUsageException($"--client-auth takes basic, post, secret-jwt, private-key-jwt, tls or self-signed-tls (or the RFC 8414 names such as client_secret_basic).");
            }

            if (!possible.Contains(method))
            {
                throw new CliUsageException($"--client-auth {requested} ({method}) does not work with {Describe(kind)}; with it use {string.Join(", ", possible)}.");
            }

            return method;
        }

        if (kind is not (CredentialKind.Secret or CredentialKind.Certificate) || authority.Kind != AuthorityKind.Generic)
        {
            return possible[0];
        }

        var document = await metadata().ConfigureAwait(false);
        if (document is null)
        {
            return possible[0];
        }

        if (document.TokenEndpointAuthMethodsSupported is not { } listed)
        {
            // RFC 8414 §2: when the member is omitted, the default is client_secret_basic.
            return kind == CredentialKind.Secret ? ClientAuthenticationMethods.ClientSecretBasic : possible[0];
        }

        foreach (var method in listed)
        {
            if (possible.Contains(method, StringComparer.Ordinal))
            {
                return method;
            }
        }

        throw new CliConfigurationException(
            "--client-auth",
            $"The authorization server {UntrustedText.Neutralize(document.Issuer, 256)} lists {(listed.Count == 0 ? "no method" : UntrustedText.JoinCapped(", ", listed, 16))} in token_endpoint_auth_methods_supported; none of them works with {Describe(kind)} ({string.Join(", ", possible)}). Use a credential the server accepts.");
    }

    private static string Describe(CredentialKind kind) => kind switch
    {
        CredentialKind.Secret => "a client secret (--secret-env, --secret-stdin)",
        CredentialKind.Certificate => "a certificate (--certificate)",
        CredentialKind.AssertionFile => "an assertion file (--assertion-file)",
        _ => "a federated token file",
    };
}
