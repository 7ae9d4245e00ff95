using System.Net;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>
/// The Azure Arc challenge: 401 with <c>WWW-Authenticate: Basic realm={key file}</c>, answered with the file's
/// contents — only for a <c>.key</c> file directly in the agent's key directory, of at most 4096 bytes. The tests use
/// a key directory of their own in place of <c>/var/opt/azcmagent/tokens</c>; a refused challenge is never answered,
/// so the server sees exactly one request.
/// </summary>
public sealed class AzureArcTests : IAsyncLifetime, IDisposable
{
    private const string Scope = "https://management.azure.com/.default";
    private readonly ManagedIdentityTestEnvironment _environment = new();
    private ReplayEndpoint _agent = null!;

    public async Task InitializeAsync() => _agent = await ReplayEndpoint.StartAsync();

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    public void Dispose() => _environment.Dispose();

    private ManagedIdentityCredential Credential() => _environment
        .With("IDENTITY_ENDPOINT", new Uri(_agent.BaseAddress, "metadata/identity/oauth2/token").AbsoluteUri)
        .With("IMDS_ENDPOINT", _agent.BaseAddress.AbsoluteUri)
        .Credential();

    private static RecordedResponse Challenge(string realm) =>
        new(401, new Dictionary<string, string> { ["WWW-Authenticate"] = realm, ["Content-Type"] = "application/json" }, """{"error":"unauthorized_client","error_description":"Unauthorized"}""");

    private string KeyFile(string name, string content)
    {
        var path = Path.Combine(_environment.ArcKeyDirectory, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task The_challenge_is_answered_with_the_key_file_contents_once()
    {
        var key = KeyFile("9b4b9ca1-7a1e-4d8b-8c38-d8f3f7c7e1a2.key", "c2VjcmV0LWtleQ==\n");
        _agent.Play(Challenge("Basic realm=" + key), ManagedIdentityTestEnvironment.Success("arc"));

        var token = await Credential().GetTokenAsync(Scope);

        Assert.Equal(ManagedIdentityTestEnvironment.Token("arc"), token.Token);
        var requests = _agent.Requests;
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("GET", r.Method);
            Assert.Equal("2019-11-01", r.Query["api-version"]);
            Assert.Equal("https://management.azure.com", r.Query["resource"]);
            Assert.Equal("true", r.Header("Metadata"));
        });
        Assert.Null(requests[0].Header("Authorization"));
        Assert.Equal("Basic c2VjcmV0LWtleQ==", requests[1].Header("Authorization"));
    }

    public static TheoryData<string, string> RefusedChallenges => new()
    {
        { "outside the key directory", "Basic realm=/etc/passwd" },
        { "traversal out of the key directory", "Basic realm={dir}/../escape.key" },
        { "a sub-directory", "Basic realm={dir}/sub/nested.key" },
        { "not a .key file", "Basic realm={dir}/note.txt" },
        { "a relative path", "Basic realm=relative.key" },
        { "another scheme", "Bearer realm={dir}/ok.key" },
        { "no realm", "Basic" },
    };

    [Theory]
    [MemberData(nameof(RefusedChallenges))]
    public async Task A_challenge_naming_any_other_file_is_refused_before_reading_or_sending(string why, string challenge)
    {
        Directory.CreateDirectory(Path.Combine(_environment.ArcKeyDirectory, "sub"));
        KeyFile("ok.key", "key");
        KeyFile("note.txt", "not a key");
        KeyFile(Path.Combine("sub", "nested.key"), "key");
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(_environment.ArcKeyDirectory)!, "escape.key"), "outside");
        _agent.Play(Challenge(challenge.Replace("{dir}", _environment.ArcKeyDirectory)), ManagedIdentityTestEnvironment.Success("never"));

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(async () => await Credential().GetTokenAsync(Scope));

        Assert.StartsWith("AzureArc:", error.Setting);
        Assert.True(Assert.Single(_agent.Requests).Header("Authorization") is null, why);
        Assert.DoesNotContain("outside", error.Message);
    }

    [Fact]
    public async Task A_key_file_over_4096_bytes_is_refused()
    {
        var key = KeyFile("big.key", new string('k', 4097));
        _agent.Play(Challenge("Basic realm=" + key), ManagedIdentityTestEnvironment.Success("never"));
        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(async () => await Credential().GetTokenAsync(Scope));
        Assert.Contains("4097 bytes", error.Message);
        Assert.Single(_agent.Requests);
    }

    [Fact]
    public async Task A_key_file_of_exactly_4096_bytes_is_accepted()
    {
        var key = KeyFile("max.key", new string('k', 4096));
        _agent.Play(Challenge("Basic realm=" + key), ManagedIdentityTestEnvironment.Success("max"));
        await Credential().GetTokenAsync(Scope);
        Assert.Equal("Basic " + new string('k', 4096), _agent.Requests[1].Header("Authorization"));
    }

    [Fact]
    public async Task A_link_in_the_key_directory_is_refused()
    {
        var outside = Path.Combine(Path.GetTempPath(), "cc-arc-target-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(outside, "secret from elsewhere");
        try
        {
            var link = Path.Combine(_environment.ArcKeyDirectory, "link.key");
            File.CreateSymbolicLink(link, outside);
            _agent.Play(Challenge("Basic realm=" + link), ManagedIdentityTestEnvironment.Success("never"));
            var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(async () => await Credential().GetTokenAsync(Scope));
            Assert.Contains("link", error.Message);
            Assert.Single(_agent.Requests);
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public async Task A_missing_key_file_is_refused_with_the_permission_hint()
    {
        _agent.Play(Challenge("Basic realm=" + Path.Combine(_environment.ArcKeyDirectory, "gone.key")));
        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(async () => await Credential().GetTokenAsync(Scope));
        Assert.Contains("himds", error.Message);
    }

    [Fact]
    public async Task A_401_without_a_challenge_is_reported()
    {
        _agent.Play(new RecordedResponse(401, ManagedIdentityTestEnvironment.Json, "{}"));
        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(async () => await Credential().GetTokenAsync(Scope));
        Assert.Contains("WWW-Authenticate", error.Message);
        Assert.Single(_agent.Requests);
    }

    [Fact]
    public async Task A_second_401_after_the_answer_is_an_endpoint_error_naming_the_group()
    {
        var key = KeyFile("wrong.key", "stale");
        _agent.Play(Challenge("Basic realm=" + key), new RecordedResponse(401, ManagedIdentityTestEnvironment.Json, """{"error":"unauthorized_client","error_description":"Invalid key"}"""));
        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await Credential().GetTokenAsync(Scope));
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("himds", error.Remedy);
        Assert.DoesNotContain("stale", error.Message);
        Assert.Equal(2, _agent.Requests.Count);
    }
}
