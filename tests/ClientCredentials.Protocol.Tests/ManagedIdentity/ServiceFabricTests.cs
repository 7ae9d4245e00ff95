using System.Net;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>
/// Service Fabric serves HTTPS with its own certificate, trusted only by the thumbprint in
/// <c>IDENTITY_SERVER_THUMBPRINT</c>: a loopback HTTPS server with a self-signed certificate plays the runtime.
/// </summary>
public sealed class ServiceFabricTests : IAsyncLifetime, IDisposable
{
    private const string Scope = "https://vault.azure.net/.default";
    private readonly ManagedIdentityTestEnvironment _environment = new();
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _serverCertificate = TestCertificates.Rsa(subject: "CN=ServiceFabric-ManagedIdentity");
    private ReplayEndpoint _runtime = null!;

    public async Task InitializeAsync() => _runtime = await ReplayEndpoint.StartAsync(_serverCertificate);

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    public void Dispose()
    {
        _environment.Dispose();
        _serverCertificate.Dispose();
    }

    private ManagedIdentityCredential Credential(string thumbprint, ManagedIdentityId? id = null) => _environment
        .With("IDENTITY_ENDPOINT", new Uri(_runtime.BaseAddress, "metadata/identity/oauth2/token").AbsoluteUri)
        .With("IDENTITY_HEADER", "sf-secret-header-value")
        .With("IDENTITY_SERVER_THUMBPRINT", thumbprint)
        .Credential(new ManagedIdentityOptions { Id = id ?? ManagedIdentityId.SystemAssigned }, ManagedIdentityTestEnvironment.FastRetries with { MaxRetries = 0 });

    [Fact]
    public async Task The_pinned_server_certificate_is_trusted_and_the_request_carries_the_secret_header()
    {
        _runtime.Play(new RecordedResponse(200, ManagedIdentityTestEnvironment.Json, $$"""{"token_type":"Bearer","access_token":"{{ManagedIdentityTestEnvironment.Token("sf")}}","expires_on":{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}},"resource":"https://vault.azure.net"}"""));

        var credential = Credential(_serverCertificate.Thumbprint.ToLowerInvariant(), ManagedIdentityId.FromClientId(ManagedIdentityTestEnvironment.UserAssignedClientId));
        var token = await credential.GetTokenAsync(Scope);

        Assert.Equal(ManagedIdentitySource.ServiceFabric, credential.Source);
        Assert.Equal(ManagedIdentityTestEnvironment.Token("sf"), token.Token);
        var request = Assert.Single(_runtime.Requests);
        Assert.Equal("2019-07-01-preview", request.Query["api-version"]);
        Assert.Equal("https://vault.azure.net", request.Query["resource"]);
        Assert.Equal(ManagedIdentityTestEnvironment.UserAssignedClientId, request.Query["client_id"]);
        Assert.Equal("sf-secret-header-value", request.Header("secret"));
    }

    [Fact]
    public async Task A_server_certificate_with_another_thumbprint_is_not_trusted()
    {
        _runtime.Play(ManagedIdentityTestEnvironment.Success("never"));
        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(async () => await Credential(new string('0', 40)).GetTokenAsync(Scope));
        Assert.Empty(_runtime.Requests);
        Assert.DoesNotContain("sf-secret-header-value", error.ToString());
    }

    [Fact]
    public async Task The_nested_error_shape_becomes_the_typed_error()
    {
        _runtime.Play(new RecordedResponse(401, ManagedIdentityTestEnvironment.Json, """{"error":{"correlationId":"7f30f4d3-0f3a-41e0-a417-527f21b3848f","code":"SecretHeaderNotFound","message":"Secret is not found in the request headers."}}"""));
        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await Credential(_serverCertificate.Thumbprint).GetTokenAsync(Scope));
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("SecretHeaderNotFound", error.Error);
        Assert.Equal("Secret is not found in the request headers.", error.ErrorDescription);
        Assert.Equal("7f30f4d3-0f3a-41e0-a417-527f21b3848f", error.CorrelationId);
        Assert.StartsWith("The managed identity endpoint (Service Fabric) answered HTTP 401 SecretHeaderNotFound", error.Message);
    }

    [Fact]
    public void An_object_id_is_refused_for_Service_Fabric()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => Credential(_serverCertificate.Thumbprint, ManagedIdentityId.FromObjectId(ManagedIdentityTestEnvironment.UserAssignedObjectId)));
        Assert.Equal("ManagedIdentityId", error.Setting);
    }
}
