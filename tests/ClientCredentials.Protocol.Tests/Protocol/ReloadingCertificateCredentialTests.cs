using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ClientCredentials.Protocol.Testing;
using ClientCredentials.Protocol.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// Certificates rotate without a restart: a changed PFX file is read again before the next request, a renewed store
/// certificate is found, and after Entra rejects the assertion with a certificate error the request is sent once more
/// with the newly loaded certificate. A loopback server plays Entra and records which certificate signed each assertion.
/// </summary>
public sealed class ReloadingCertificateCredentialTests : IAsyncLifetime, IDisposable
{
    private const string Scope = "https://graph.microsoft.com/.default";
    private const string KeyNotFound = """{"error":"invalid_client","error_description":"AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application.","error_codes":[700027]}""";
    private readonly string _directory = Directory.CreateTempSubdirectory("cc-rotation-").FullName;
    private static readonly X509Certificate2 FirstCertificate = Exportable("CN=rotation-first");
    private static readonly X509Certificate2 SecondCertificate = Exportable("CN=rotation-second");
    private ReplayEndpoint _entra = null!;

    public async Task InitializeAsync() => _entra = await ReplayEndpoint.StartAsync();

    public async Task DisposeAsync() => await _entra.DisposeAsync();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static X509Certificate2 Exportable(string subject, TimeSpan? lifetime = null)
    {
        using var ephemeral = TestCertificates.Rsa(subject: subject, notAfter: DateTimeOffset.UtcNow.Add(lifetime ?? TimeSpan.FromDays(30)));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable);
    }

    private static RecordedResponse Ok(string token) => new(200, Json, $$"""{"token_type":"Bearer","expires_in":3599,"access_token":"{{token}}"}""");

    private static RecordedResponse Rejected(string body = KeyNotFound) => new(401, Json, body);

    private static readonly IReadOnlyDictionary<string, string> Json = new Dictionary<string, string> { ["Content-Type"] = "application/json" };

    private ClientCredentialsClient Client(ClientCredential credential, RecordingLogger? logger = null) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.Entra("contoso.onmicrosoft.com", _entra.BaseAddress.AbsoluteUri),
        ClientId = "6731de76-14a6-49ae-97bc-6eba6914391e",
        Credential = credential,
        Scopes = [Scope],
        Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
        LoggerFactory = logger is null ? null : new RecordingLoggerFactory(logger),
    });

    private static readonly TokenRequestParameters Fresh = new(Scope) { ForceRefresh = true };

    /// <summary>The <c>x5t#S256</c> of the assertion in each request, in order.</summary>
    private IReadOnlyList<string> SignedBy() => [.. _entra.Requests.Select(r =>
    {
        var assertion = r.Body.Split('&').Select(p => p.Split('=', 2)).Single(p => p[0] == "client_assertion")[1];
        using var header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(Uri.UnescapeDataString(assertion).Split('.')[0]));
        return header.RootElement.GetProperty("x5t#S256").GetString()!;
    })];

    private string WritePfx(X509Certificate2 certificate, string name = "client.pfx")
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, "pw"));
        return path;
    }

    [Fact]
    public async Task A_changed_file_signs_the_next_request_without_a_restart()
    {
        _entra.Play(Ok("one"), Ok("two"));
        var path = WritePfx(FirstCertificate);
        var credential = ReloadingCertificateCredential.FromFile(path, "pw");
        var client = Client(credential);
        await client.GetTokenAsync();

        WritePfx(SecondCertificate);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        await client.GetTokenAsync(Fresh);

        Assert.Equal([CertificateThumbprints.X5tS256(FirstCertificate), CertificateThumbprints.X5tS256(SecondCertificate)], SignedBy());
        Assert.Equal(SecondCertificate.Thumbprint, credential.Certificate.Thumbprint);
    }

    [Fact]
    public async Task After_AADSTS700027_a_renewed_store_certificate_is_found_and_the_request_is_sent_once_more()
    {
        var subject = $"CN=cc-rotation-{Guid.NewGuid():N}";
        using var old = Exportable(subject, TimeSpan.FromDays(10));
        using var renewed = Exportable(subject, TimeSpan.FromDays(300));
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(old);
        try
        {
            _entra.Play(Ok("one"), Rejected(), Ok("after-rotation"));
            var credential = ReloadingCertificateCredential.FromStore(new CertificateStoreQuery { Subject = subject });
            var client = Client(credential);
            await client.GetTokenAsync();

            // The certificate is renewed in the store and the old one revoked within the re-check interval.
            store.Add(renewed);
            store.Remove(old);
            var token = await client.GetTokenAsync(Fresh);

            Assert.Equal("after-rotation", token.Token);
            Assert.Equal([CertificateThumbprints.X5tS256(old), CertificateThumbprints.X5tS256(old), CertificateThumbprints.X5tS256(renewed)], SignedBy());
        }
        finally
        {
            store.Remove(old);
            store.Remove(renewed);
        }
    }

    [Fact]
    public async Task A_send_after_a_renewal_is_logged_with_the_codes_and_what_the_credential_now_presents()
    {
        var subject = $"CN=cc-rotation-{Guid.NewGuid():N}";
        using var old = Exportable(subject, TimeSpan.FromDays(10));
        using var renewed = Exportable(subject, TimeSpan.FromDays(300));
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(old);
        try
        {
            _entra.Play(Rejected("""{"error":"invalid_client","error_description":"AADSTS700027: not registered.","error_codes":[700027,7000214]}"""), Ok("after-rotation"));
            var credential = ReloadingCertificateCredential.FromStore(new CertificateStoreQuery { Subject = subject });
            var logger = new RecordingLogger();
            store.Add(renewed);
            store.Remove(old);

            await Client(credential, logger).GetTokenAsync(new TokenRequestParameters(Scope) { CorrelationId = "renewal-log" });

            var renewal = Assert.Single(logger.Records, r => r.EventId == 1007);
            Assert.Equal($"The token endpoint rejected the credential (AADSTS700027,7000214); it was loaded again and now presents {credential}: sending once more (client-request-id renewal-log).", renewal.Message);
            Assert.Contains(CertificateThumbprints.X5tS256(renewed), SignedBy());
        }
        finally
        {
            store.Remove(old);
            store.Remove(renewed);
        }
    }

    [Fact]
    public async Task A_rejection_with_nothing_new_to_present_is_reported_without_a_second_request()
    {
        _entra.Play(Rejected());
        var client = Client(ReloadingCertificateCredential.FromFile(WritePfx(FirstCertificate), "pw"));
        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());
        Assert.Equal([700027], error.ErrorCodes);
        Assert.Single(_entra.Requests);
    }

    [Fact]
    public async Task A_rejection_that_is_not_about_the_certificate_does_not_reload()
    {
        var path = WritePfx(FirstCertificate);
        var credential = ReloadingCertificateCredential.FromFile(path, "pw");
        _entra.Play(Rejected("""{"error":"invalid_scope","error_description":"AADSTS70011: The provided value for the input parameter 'scope' is not valid.","error_codes":[70011]}"""));
        var client = Client(credential);
        await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());
        Assert.Single(_entra.Requests);
        Assert.Equal(FirstCertificate.Thumbprint, credential.Certificate.Thumbprint);
    }

    [Fact]
    public async Task A_file_caught_half_written_keeps_the_current_certificate()
    {
        _entra.Play(Ok("one"), Ok("two"));
        var path = WritePfx(FirstCertificate);
        var client = Client(ReloadingCertificateCredential.FromFile(path, "pw"));
        await client.GetTokenAsync();

        await File.WriteAllBytesAsync(path, [0x30, 0x82]);
        await client.GetTokenAsync(Fresh);

        Assert.Equal([CertificateThumbprints.X5tS256(FirstCertificate), CertificateThumbprints.X5tS256(FirstCertificate)], SignedBy());
    }

    [Theory]
    [InlineData("missing.pfx", null)]
    [InlineData("client.pfx", "wrong-password")]
    public void A_file_that_cannot_be_loaded_now_is_a_configuration_error_without_the_password(string name, string? password)
    {
        var path = WritePfx(FirstCertificate);
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ReloadingCertificateCredential.FromFile(Path.Combine(_directory, name), password));
        Assert.Equal("Certificate", error.Setting);
        Assert.DoesNotContain("wrong-password", error.Message);
        Assert.True(File.Exists(path));
    }
}
