using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>
/// The one rule no test may break: 169.254.169.254 belongs to the cloud, not to us. With the override a user has —
/// <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c> or <see cref="ManagedIdentityOptions.ImdsEndpoint"/> — the resolved
/// endpoint must be the loopback one before anything is sent, and every request must go there: the HttpClient refuses
/// any other destination, so these tests fail (instead of contacting IMDS) if the default address were used.
/// </summary>
public sealed class ImdsOverrideTests : IAsyncLifetime, IDisposable
{
    private readonly ManagedIdentityTestEnvironment _environment = new();
    private ReplayEndpoint _imds = null!;

    public async Task InitializeAsync() => _imds = await ReplayEndpoint.StartAsync();

    public async Task DisposeAsync() => await _imds.DisposeAsync();

    public void Dispose() => _environment.Dispose();

    private async Task AssertEverythingWentToTheOverride(ManagedIdentityCredential credential)
    {
        // Resolved before any send: the default link-local address must not be what the credential would use.
        Assert.True(LoopbackOnlyHandler.IsLoopback(credential.Endpoint), $"resolved {credential.Endpoint}");
        Assert.NotEqual("169.254.169.254", credential.Endpoint.Host);
        Assert.Equal(_imds.BaseAddress.Port, credential.Endpoint.Port);
        Assert.Empty(_environment.Guard.Destinations);

        _imds.Play(ManagedIdentityTestEnvironment.Success("override"));
        var token = await credential.GetTokenAsync("https://management.azure.com/.default");

        Assert.Equal(ManagedIdentityTestEnvironment.Token("override"), token.Token);
        Assert.Empty(_environment.Guard.Refused);
        Assert.All(_environment.Guard.Destinations, uri => Assert.Equal(_imds.BaseAddress.Authority, uri.Authority));
        Assert.Single(_imds.Requests);
    }

    [Fact]
    public Task AZURE_POD_IDENTITY_AUTHORITY_HOST_replaces_the_IMDS_address_before_anything_is_sent() =>
        AssertEverythingWentToTheOverride(_environment.With("AZURE_POD_IDENTITY_AUTHORITY_HOST", _imds.BaseAddress.AbsoluteUri).Credential());

    [Fact]
    public Task The_ImdsEndpoint_option_replaces_the_IMDS_address_before_anything_is_sent() =>
        AssertEverythingWentToTheOverride(_environment.Credential(new ManagedIdentityOptions { ImdsEndpoint = _imds.BaseAddress }));

    [Fact]
    public Task The_option_wins_over_the_variable() =>
        AssertEverythingWentToTheOverride(_environment.With("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://169.254.169.254")
            .Credential(new ManagedIdentityOptions { ImdsEndpoint = _imds.BaseAddress }));

    [Fact]
    public async Task The_guard_itself_refuses_the_real_IMDS_without_sending()
    {
        // Proves the guard the tests above rely on: a credential left at the default address fails at the HttpClient,
        // before a connection is attempted, and the refused destination is recorded.
        var credential = _environment.Credential(resilience: ManagedIdentityTestEnvironment.FastRetries with { MaxRetries = 0 });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await credential.GetTokenAsync("https://management.azure.com/.default"));
        Assert.Contains("169.254.169.254", error.Message);
        Assert.Equal("169.254.169.254", Assert.Single(_environment.Guard.Refused).Host);
    }
}
