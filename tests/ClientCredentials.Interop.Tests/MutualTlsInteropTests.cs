using System.Net;
using System.Text.Json;
using ClientCredentials.Interop.Tests.Infrastructure;
using ClientCredentials.Protocol;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ClientCredentials.Interop.Tests;

/// <summary>
/// Mutual TLS (RFC 8705) against oidc-provider's https listener, found through its <c>mtls_endpoint_aliases</c>: both
/// <c>tls_client_auth</c> (a CA-issued certificate with the registered subject) and
/// <c>self_signed_tls_client_auth</c> (the registered certificate), certificate-bound tokens (<c>cnf.x5t#S256</c>) used
/// over the same certificate, through the library and cc-token.
/// </summary>
[Collection(OidcProviderCollection.Name)]
public sealed class MutualTlsInteropTests(OidcProviderFixture server)
{
    [Fact]
    public async Task Tls_client_auth_gets_a_certificate_bound_token_that_the_resource_accepts_over_the_same_certificate()
    {
        var certificate = server.Clients.TlsClientCertificate;
        using var http = server.HttpClient(certificate);
        var client = Client(InteropClients.TlsId, new TlsClientCertificateCredential(certificate), http);

        var token = await client.GetTokenAsync();

        Assert.Equal(Convert.ToBase64String(certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)).TrimEnd('=').Replace('+', '-').Replace('/', '_'), Cnf(token.Token).GetProperty("x5t#S256").GetString());
        using var request = new HttpRequestMessage(HttpMethod.Get, server.MtlsApi);
        request.Headers.Authorization = new("Bearer", token.Token);
        using var answer = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Fact]
    public async Task A_certificate_bound_token_is_refused_without_the_certificate()
    {
        using var http = server.HttpClient(server.Clients.TlsClientCertificate);
        var token = await Client(InteropClients.TlsId, new TlsClientCertificateCredential(server.Clients.TlsClientCertificate), http).GetTokenAsync();
        using var withoutCertificate = server.HttpClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, server.MtlsApi);
        request.Headers.Authorization = new("Bearer", token.Token);
        using var answer = await withoutCertificate.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
    }

    [Fact]
    public async Task Self_signed_tls_client_auth_gets_a_token_through_the_library_and_the_cli()
    {
        var certificate = server.Clients.SelfSignedTlsCertificate;
        using var http = server.HttpClient(certificate);
        var token = await Client(InteropClients.SelfSignedTlsId, new TlsClientCertificateCredential(certificate, TlsClientCertificateKind.SelfSigned), http).GetTokenAsync();
        var result = await CliAsync(InteropClients.SelfSignedTlsId, certificate, "self-signed-tls");

        Assert.Equal(InteropClients.SelfSignedTlsId, new JsonWebToken(token.Token).GetClaim("client_id").Value);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(InteropClients.SelfSignedTlsId, new JsonWebToken(result.Stdout.Trim()).GetClaim("client_id").Value);
    }

    [Fact]
    public async Task Tls_client_auth_through_the_cli_and_a_wrong_certificate_is_invalid_client()
    {
        var good = await CliAsync(InteropClients.TlsId, server.Clients.TlsClientCertificate, "tls");
        var wrong = await CliAsync(InteropClients.SelfSignedTlsId, server.Clients.UnregisteredCertificate, "self-signed-tls", "--output", "json");

        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Equal(InteropClients.TlsId, new JsonWebToken(good.Stdout.Trim()).GetClaim("client_id").Value);
        Assert.Equal(4, wrong.ExitCode);
        Assert.Equal("invalid_client", wrong.Json().GetProperty("error").GetString());
    }

    private async Task<CliResult> CliAsync(string clientId, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string method, params string[] more)
    {
        using var file = new CertificateFile(certificate);
        var caFile = Path.Combine(Path.GetTempPath(), $"cc-interop-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(caFile, TestCertificates.CertificatePem(server.Clients.CertificateAuthority));
        try
        {
            return await CcToken.RunAsync(["token", "--issuer", server.Issuer.OriginalString, "--client-id", clientId, "--scope", "api:read",
                "--certificate", file.Path, "--client-auth", method, "--tls-ca-file", caFile, .. more]);
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    private ClientCredentialsClient Client(string clientId, ClientCredential credential, HttpClient http) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.OAuthIssuer(server.Issuer),
        ClientId = clientId,
        Credential = credential,
        Scopes = ["api:read"],
        HttpClient = http,
    });

    private static JsonElement Cnf(string accessToken)
    {
        using var payload = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(new JsonWebToken(accessToken).EncodedPayload));
        return payload.RootElement.GetProperty("cnf").Clone();
    }
}
