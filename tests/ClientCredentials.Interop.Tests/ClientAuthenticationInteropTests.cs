using System.Security.Cryptography.X509Certificates;
using ClientCredentials.Interop.Tests.Infrastructure;
using ClientCredentials.Protocol;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ClientCredentials.Interop.Tests;

/// <summary>
/// Each client authentication method against oidc-provider, through the library and through cc-token: the token
/// the provider issues names the client, and a wrong secret or key is a typed <c>invalid_client</c>. The provider is
/// configured to require draft-ietf-oauth-rfc7523bis assertions (the issuer as <c>aud</c>, <c>typ:
/// client-authentication+jwt</c>), so every assertion test also checks the 2025 audience rule.
/// </summary>
[Collection(OidcProviderCollection.Name)]
public sealed class ClientAuthenticationInteropTests(OidcProviderFixture server)
{
    private static readonly string[] Scope = ["api:read"];

    [Fact]
    public async Task Client_secret_basic_with_reserved_characters_in_the_secret_gets_a_token()
    {
        var token = await GetTokenAsync(InteropClients.BasicId, new ClientSecretCredential(InteropClients.BasicSecret, ClientSecretTransport.BasicAuthentication));

        AssertIssuedTo(InteropClients.BasicId, token.Token);
    }

    [Fact]
    public async Task Client_secret_basic_through_the_cli_is_the_first_method_the_server_lists()
    {
        var result = await CliTokenAsync(InteropClients.BasicId, ["--secret-env", "SECRET"], InteropClients.BasicSecret);

        AssertIssuedTo(InteropClients.BasicId, result);
        Assert.Contains("(client_secret_basic)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_secret_post_gets_a_token_through_the_library_and_the_cli()
    {
        var token = await GetTokenAsync(InteropClients.PostId, new ClientSecretCredential(InteropClients.PostSecret));
        var result = await CliTokenAsync(InteropClients.PostId, ["--secret-env", "SECRET", "--client-auth", "post"], InteropClients.PostSecret);

        AssertIssuedTo(InteropClients.PostId, token.Token);
        AssertIssuedTo(InteropClients.PostId, result);
    }

    [Fact]
    public async Task Client_secret_jwt_gets_a_token_through_the_library_and_the_cli()
    {
        var token = await GetTokenAsync(InteropClients.SecretJwtId, new ClientSecretJwtCredential(InteropClients.SecretJwtSecret));
        var result = await CliTokenAsync(InteropClients.SecretJwtId, ["--secret-env", "SECRET", "--client-auth", "secret-jwt"], InteropClients.SecretJwtSecret);

        AssertIssuedTo(InteropClients.SecretJwtId, token.Token);
        AssertIssuedTo(InteropClients.SecretJwtId, result);
    }

    [Theory]
    [InlineData(InteropClients.Rs256Id, ClientAssertionAlgorithm.RS256)]
    [InlineData(InteropClients.Ps256Id, ClientAssertionAlgorithm.PS256)]
    [InlineData(InteropClients.Es256Id, ClientAssertionAlgorithm.ES256)]
    public async Task Private_key_jwt_gets_a_token_through_the_library_and_the_cli(string clientId, ClientAssertionAlgorithm algorithm)
    {
        var certificate = algorithm == ClientAssertionAlgorithm.ES256 ? server.Clients.EcCertificate : server.Clients.RsaCertificate;
        var token = await GetTokenAsync(clientId, new CertificateCredential(certificate, new CertificateCredentialOptions { Algorithm = algorithm }));
        using var files = new CertificateFile(certificate);
        var result = await CliTokenAsync(clientId, ["--certificate", files.Path, "--signing-alg", algorithm.ToString()]);

        AssertIssuedTo(clientId, token.Token);
        AssertIssuedTo(clientId, result);
    }

    [Fact]
    public async Task The_token_endpoint_as_audience_is_refused_by_a_server_that_follows_rfc7523bis()
    {
        var credential = new CertificateCredential(server.Clients.RsaCertificate, new CertificateCredentialOptions { Algorithm = ClientAssertionAlgorithm.RS256, Audience = ClientAssertionAudience.TokenEndpoint });

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => GetTokenAsync(InteropClients.Rs256Id, credential));

        Assert.Equal("invalid_client", error.Error);
    }

    [Fact]
    public async Task A_wrong_secret_is_invalid_client_through_the_library_and_the_cli()
    {
        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => GetTokenAsync(InteropClients.PostId, new ClientSecretCredential("not-the-secret")));
        var result = await CliTokenAsync(InteropClients.BasicId, ["--secret-env", "SECRET", "--output", "json"], "not:the/secret");

        Assert.Equal("invalid_client", error.Error);
        Assert.Equal(4, result.ExitCode);
        Assert.Equal("invalid_client", result.Json().GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_wrong_hmac_secret_or_signing_key_is_invalid_client()
    {
        var wrongSecret = await Assert.ThrowsAsync<TokenEndpointException>(() => GetTokenAsync(InteropClients.SecretJwtId, new ClientSecretJwtCredential("another-secret-of-more-than-32-bytes-0123456789")));
        var wrongKey = await Assert.ThrowsAsync<TokenEndpointException>(() => GetTokenAsync(InteropClients.Rs256Id, new CertificateCredential(server.Clients.UnregisteredCertificate, new CertificateCredentialOptions { Algorithm = ClientAssertionAlgorithm.RS256 })));
        using var files = new CertificateFile(server.Clients.UnregisteredCertificate);
        var result = await CliTokenAsync(InteropClients.Ps256Id, ["--certificate", files.Path, "--output", "json"]);

        Assert.Equal("invalid_client", wrongSecret.Error);
        Assert.Equal("invalid_client", wrongKey.Error);
        Assert.Equal(4, result.ExitCode);
        Assert.Equal("invalid_client", result.Json().GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_rfc8414_metadata_of_an_issuer_with_a_path_is_read_and_checked()
    {
        using var http = server.HttpClient();
        var metadata = await TokenAuthority.OAuthIssuer(server.Issuer).GetMetadataAsync(http);

        Assert.NotNull(metadata);
        Assert.Equal(server.Issuer.OriginalString, metadata.Issuer);
        Assert.Equal(new Uri(server.Issuer.GetLeftPart(UriPartial.Authority) + "/.well-known/oauth-authorization-server/as"), metadata.MetadataUri);
        Assert.Equal(new Uri(server.Issuer + "/token"), metadata.TokenEndpoint);
        Assert.Contains(ClientAuthenticationMethods.ClientSecretJwt, metadata.TokenEndpointAuthMethodsSupported!);
        Assert.Equal(new Uri(server.MtlsBase, "/as/token"), metadata.MtlsTokenEndpoint);
    }

    private async Task<AccessToken> GetTokenAsync(string clientId, ClientCredential credential, X509Certificate2? tlsCertificate = null)
    {
        using var http = server.HttpClient(tlsCertificate);
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.OAuthIssuer(server.Issuer),
            ClientId = clientId,
            Credential = credential,
            Scopes = Scope,
            HttpClient = http,
        });
        return await client.GetTokenAsync();
    }

    private Task<CliResult> CliTokenAsync(string clientId, string[] credentialArguments, string? secret = null) =>
        CcToken.RunAsync(
            ["token", "--issuer", server.Issuer.OriginalString, "--client-id", clientId, "--scope", "api:read", "--verbose", .. credentialArguments],
            secret is null ? null : new Dictionary<string, string> { ["SECRET"] = secret });

    private static void AssertIssuedTo(string clientId, CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        AssertIssuedTo(clientId, result.Stdout.Trim());
    }

    private static void AssertIssuedTo(string clientId, string accessToken)
    {
        var token = new JsonWebToken(accessToken);
        Assert.Equal(clientId, token.GetClaim("client_id").Value);
        Assert.Equal("api:read", token.GetClaim("scope").Value);
    }
}
