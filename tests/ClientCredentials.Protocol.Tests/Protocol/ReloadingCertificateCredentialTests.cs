using System.Net;
using System.Net.Sockets;
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
    private static readonly X509Certificate2 FirstCertificate = UserCertificateStore.Exportable("CN=rotation-first");
    private static readonly X509Certificate2 SecondCertificate = UserCertificateStore.Exportable("CN=rotation-second");
    private static readonly Lazy<X509Certificate2> ThirdCertificate = new(() => UserCertificateStore.Exportable("CN=rotation-third"));
    private ReplayEndpoint _entra = null!;

    public async Task InitializeAsync() => _entra = await ReplayEndpoint.StartAsync();

    public async Task DisposeAsync() => await _entra.DisposeAsync();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static RecordedResponse Ok(string token) => new(200, Json, $$"""{"token_type":"Bearer","expires_in":3599,"access_token":"{{token}}"}""");

    private static RecordedResponse Rejected(string body = KeyNotFound) => new(401, Json, body);

    private static readonly IReadOnlyDictionary<string, string> Json = new Dictionary<string, string> { ["Content-Type"] = "application/json" };

    private ClientCredentialsClient Client(ClientCredential credential, TimeProvider? clock = null, RecordingLogger? logger = null) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.Entra("contoso.onmicrosoft.com", _entra.BaseAddress.AbsoluteUri),
        ClientId = "6731de76-14a6-49ae-97bc-6eba6914391e",
        Credential = credential,
        Scopes = [Scope],
        TimeProvider = clock,
        Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
        LoggerFactory = logger is null ? null : new RecordingLoggerFactory(logger),
    });

    private static TokenEndpointError Rejection(params int[] codes) => new()
    {
        StatusCode = HttpStatusCode.Unauthorized,
        Error = "invalid_client",
        ErrorCodes = codes,
    };

    /// <summary>Runs <paramref name="interleave"/> once, the first time the time is read: lets a test act between two steps of the code under test.</summary>
    private sealed class InterleavingClock(Action interleave) : TimeProvider
    {
        private Action? _interleave = interleave;

        public override DateTimeOffset GetUtcNow()
        {
            Interlocked.Exchange(ref _interleave, null)?.Invoke();
            return base.GetUtcNow();
        }
    }

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
        using var old = UserCertificateStore.Exportable(subject, TimeSpan.FromDays(10));
        using var renewed = UserCertificateStore.Exportable(subject, TimeSpan.FromDays(300));
        using var store = new UserCertificateStore(old);
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

    [Fact]
    public async Task A_send_after_a_renewal_is_logged_with_the_codes_and_what_the_credential_now_presents()
    {
        var subject = $"CN=cc-rotation-{Guid.NewGuid():N}";
        using var old = UserCertificateStore.Exportable(subject, TimeSpan.FromDays(10));
        using var renewed = UserCertificateStore.Exportable(subject, TimeSpan.FromDays(300));
        using var store = new UserCertificateStore(old);
        _entra.Play(Rejected("""{"error":"invalid_client","error_description":"AADSTS700027: not registered.","error_codes":[700027,7000214]}"""), Ok("after-rotation"));
        var credential = ReloadingCertificateCredential.FromStore(new CertificateStoreQuery { Subject = subject });
        var logger = new RecordingLogger();
        store.Add(renewed);
        store.Remove(old);

        await Client(credential, logger: logger).GetTokenAsync(new TokenRequestParameters(Scope) { CorrelationId = "renewal-log" });

        var renewal = Assert.Single(logger.Records, r => r.EventId == 1007);
        Assert.Equal($"The token endpoint rejected the credential (AADSTS700027,7000214); it was loaded again and now presents {credential}: sending once more (client-request-id renewal-log).", renewal.Message);
        Assert.Contains(CertificateThumbprints.X5tS256(renewed), SignedBy());
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

    [Fact]
    public async Task A_file_deleted_after_loading_keeps_the_current_certificate()
    {
        _entra.Play(Ok("one"), Ok("two"));
        var path = WritePfx(FirstCertificate);
        var client = Client(ReloadingCertificateCredential.FromFile(path, "pw"));
        await client.GetTokenAsync();

        File.Delete(path);
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

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void An_empty_file_path_is_refused(string path)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ReloadingCertificateCredential.FromFile(path));

        Assert.Equal("Certificate", error.Setting);
        Assert.Equal("The certificate file path is empty.", error.Message);
    }

    [Fact]
    public void A_missing_file_is_refused_naming_it()
    {
        var path = Path.Combine(_directory, "missing.pfx");

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ReloadingCertificateCredential.FromFile(path));

        Assert.Contains($"the certificate file '{path}' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_does_not_open_with_the_password_is_refused_naming_it()
    {
        var path = WritePfx(FirstCertificate);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ReloadingCertificateCredential.FromFile(path, "wrong-password"));

        Assert.Contains($"the certificate file '{path}' is not a PKCS#12 (PFX) file that opens with the configured password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Something_that_is_not_a_readable_file_is_refused_as_unreadable()
    {
        var path = Path.Combine(_directory, "socket.pfx");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ReloadingCertificateCredential.FromFile(path));

        Assert.Equal("Certificate", error.Setting);
        Assert.Contains($"the certificate file '{path}' could not be read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_file_is_refused_as_not_a_pfx_rather_than_as_unreadable()
    {
        var path = WritePfx(FirstCertificate);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ReloadingCertificateCredential.FromFile(path, "pw"));

        Assert.Contains($"the certificate file '{path}' is not a PKCS#12 (PFX) file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_are_refused_before_the_file_is_looked_at()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ReloadingCertificateCredential.FromFile(Path.Combine(_directory, "missing.pfx"), options: new CertificateCredentialOptions { AssertionLifetime = TimeSpan.Zero }));

        Assert.Equal("AssertionLifetime", error.Setting);
    }

    [Fact]
    public async Task The_options_shape_every_assertion()
    {
        _entra.Play(Ok("one"));
        var credential = ReloadingCertificateCredential.FromFile(WritePfx(FirstCertificate), "pw", new CertificateCredentialOptions { AssertionLifetime = TimeSpan.FromMinutes(2) });

        await Client(credential).GetTokenAsync();

        var assertion = Uri.UnescapeDataString(_entra.Requests.Single().Body.Split('&').Select(p => p.Split('=', 2)).Single(p => p[0] == "client_assertion")[1]);
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(assertion.Split('.')[1]));
        Assert.Equal(120, payload.RootElement.GetProperty("exp").GetInt64() - payload.RootElement.GetProperty("iat").GetInt64());
    }

    [Fact]
    public void Tokens_are_kept_under_the_file_path_which_it_shows_with_the_current_certificate()
    {
        var path = WritePfx(FirstCertificate);

        var credential = ReloadingCertificateCredential.FromFile(path, "pw");

        Assert.Equal("certificate-source:certificate file " + path, credential.CacheIdentity);
        Assert.Equal($"reloading certificate file {path} (now CN=rotation-first, thumbprint {FirstCertificate.Thumbprint})", credential.ToString());
    }

    [Fact]
    public void A_null_store_query_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>("query", () => ReloadingCertificateCredential.FromStore(null!));
    }

    [Fact]
    public void Tokens_of_a_store_certificate_are_kept_under_the_query()
    {
        var subject = $"CN=cc-rotation-{Guid.NewGuid():N}";
        using var certificate = UserCertificateStore.Exportable(subject);
        using var store = new UserCertificateStore(certificate);

        var credential = ReloadingCertificateCredential.FromStore(new CertificateStoreQuery { Subject = subject });

        Assert.Equal($"certificate-source:certificate in CurrentUser\\My subject {subject}", credential.CacheIdentity);
        Assert.StartsWith($"reloading certificate in CurrentUser\\My subject {subject} (now {subject}", credential.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_is_searched_again_once_five_minutes_have_passed_on_the_clients_clock()
    {
        var subject = $"CN=cc-rotation-{Guid.NewGuid():N}";
        using var old = UserCertificateStore.Exportable(subject, TimeSpan.FromDays(10));
        using var renewed = UserCertificateStore.Exportable(subject, TimeSpan.FromDays(300));
        _entra.Play(Ok("token"));

        using var store = new UserCertificateStore(old);

        // The clock runs an hour behind the real one: only the given clock decides when the store is searched.
        var clock = new TestClock(DateTimeOffset.UtcNow.AddHours(-1));
        var client = Client(ReloadingCertificateCredential.FromStore(new CertificateStoreQuery { Subject = subject }, timeProvider: clock), clock);
        await client.GetTokenAsync(Fresh);

        store.Add(renewed);
        clock.Advance(ReloadingCertificateCredential.StoreRecheckInterval - TimeSpan.FromSeconds(1));
        await client.GetTokenAsync(Fresh);
        clock.Advance(TimeSpan.FromSeconds(1));
        await client.GetTokenAsync(Fresh);

        Assert.Equal([CertificateThumbprints.X5tS256(old), CertificateThumbprints.X5tS256(old), CertificateThumbprints.X5tS256(renewed)], SignedBy());
    }

    [Fact]
    public async Task After_a_failed_reload_the_file_is_read_again_30_seconds_later_not_before()
    {
        _entra.Play(Ok("token"));
        var clock = new TestClock(DateTimeOffset.UtcNow);
        var path = WritePfx(FirstCertificate);
        var client = Client(ReloadingCertificateCredential.FromFile(path, "pw"), clock);
        await client.GetTokenAsync(Fresh);
        await File.WriteAllBytesAsync(path, [0x30, 0x82]);
        await client.GetTokenAsync(Fresh);

        WritePfx(SecondCertificate);
        clock.Advance(TimeSpan.FromSeconds(29));
        await client.GetTokenAsync(Fresh);
        clock.Advance(TimeSpan.FromSeconds(1));
        await client.GetTokenAsync(Fresh);

        var first = CertificateThumbprints.X5tS256(FirstCertificate);
        Assert.Equal([first, first, first, CertificateThumbprints.X5tS256(SecondCertificate)], SignedBy());
    }

    [Fact]
    public async Task A_rejection_listing_a_certificate_code_among_others_reloads()
    {
        var path = WritePfx(FirstCertificate);
        var credential = ReloadingCertificateCredential.FromFile(path, "pw");
        WritePfx(SecondCertificate);

        var renewed = await credential.RenewAfterRejectionAsync(Rejection(7000215, 700027), TimeProvider.System, CancellationToken.None);

        Assert.True(renewed);
        Assert.Equal(SecondCertificate.Thumbprint, credential.Certificate.Thumbprint);
    }

    [Fact]
    public async Task A_rejection_without_error_codes_does_not_reload()
    {
        var path = WritePfx(FirstCertificate);
        var credential = ReloadingCertificateCredential.FromFile(path, "pw");
        WritePfx(SecondCertificate);

        var renewed = await credential.RenewAfterRejectionAsync(Rejection(), TimeProvider.System, CancellationToken.None);

        Assert.False(renewed);
        Assert.Equal(FirstCertificate.Thumbprint, credential.Certificate.Thumbprint);
    }

    [Fact]
    public async Task A_rejection_after_another_request_already_reloaded_keeps_that_certificate_without_loading_again()
    {
        var path = WritePfx(FirstCertificate);
        var credential = ReloadingCertificateCredential.FromFile(path, "pw");
        WritePfx(SecondCertificate);
        Task<bool>? earlier = null;
        var clock = new InterleavingClock(() =>
        {
            // Another request, rejected a moment before, reloads first; then the file changes once more.
            earlier = credential.RenewAfterRejectionAsync(Rejection(700027), TimeProvider.System, CancellationToken.None).AsTask();
            WritePfx(ThirdCertificate.Value);
        });

        var renewed = await credential.RenewAfterRejectionAsync(Rejection(700027), clock, CancellationToken.None);

        Assert.True(await earlier!);
        Assert.True(renewed);
        Assert.Equal(SecondCertificate.Thumbprint, credential.Certificate.Thumbprint);
    }
}
