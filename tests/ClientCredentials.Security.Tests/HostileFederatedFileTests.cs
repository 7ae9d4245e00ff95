using System.Text;
using ClientCredentials.Protocol;
using ClientCredentials.Security.Tests.Infrastructure;

namespace ClientCredentials.Security.Tests;

/// <summary>
/// Attack class: a hostile federated token file (a path that names the wrong file, a file another process
/// controls). Only a JWT of at most 64 KiB with a valid <c>exp</c> is ever sent as <c>client_assertion</c>; anything
/// else is a configuration error for <c>TokenFilePath</c>, nothing reaches the token endpoint, the content is never
/// quoted, and no more than 64 KiB is ever read.
/// </summary>
[Collection(AllocationMeasuring.Name)]
public sealed class HostileFederatedFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cc-security-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, string> BadContents => new()
    {
        { "plain text", "this is not a token, it is a LEAKED-NOTE" },
        { "two parts", "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9" },
        { "non-base64url characters", "eyJhbGciOiJSUzI1NiJ9.LEAKED payload!.sig" },
        { "header not JSON", $"{B64("LEAKED")}.{B64("""{"exp":4102444800}""")}.sig" },
        { "payload an array", $"{B64("""{"alg":"RS256"}""")}.{B64("[1,2]")}.sig" },
        { "no exp", Jwt("""{"sub":"LEAKED"}""") },
        { "exp past year 9999", Jwt("""{"exp":253402300800}""") },
        { "exp negative", Jwt("""{"exp":-5}""") },
        { "exp zero", Jwt("""{"exp":0}""") },
        { "exp huge double", Jwt("""{"exp":1e300}""") },
        { "exp as string", Jwt("""{"exp":"4102444800"}""") },
        { "exp null", Jwt("""{"exp":null}""") },
        { "expired", Jwt("""{"exp":1000000000}""") },
    };

    [Theory]
    [MemberData(nameof(BadContents))]
    public async Task A_file_that_is_not_a_jwt_with_a_valid_exp_is_refused_and_never_sent(string what, string content)
    {
        var path = Write(content);
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Token("eyJ.token.value"));

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => Client(endpoint, path).GetTokenAsync().AsTask());

        Assert.True(error.Setting == "TokenFilePath", what);
        TextAssert.NotIn(error.Message, "LEAKED");
        TextAssert.NotIn(error.Message, content);
        TextAssert.Printable(error.Message, "message");
        Assert.Empty(endpoint.Requests);
    }

    [Fact]
    public async Task Binary_content_is_refused_and_never_sent()
    {
        var path = Path.Combine(_directory, "binary");
        File.WriteAllBytes(path, [0xFF, 0xFE, 0x00, 0x1B, 0x5B, 0x32, 0x4A, 0xC3, 0x28, 0x80, 0x2E, 0x2E]);
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Token("eyJ.token.value"));

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => Client(endpoint, path).GetTokenAsync().AsTask());

        Assert.Equal("TokenFilePath", error.Setting);
        Assert.Contains("not UTF-8", error.Message, StringComparison.Ordinal);
        Assert.Empty(endpoint.Requests);
    }

    [Fact]
    public async Task A_200_MiB_file_is_refused_after_reading_at_most_64_KiB()
    {
        var path = Path.Combine(_directory, "huge");
        using (var file = new FileStream(path, FileMode.CreateNew))
        {
            file.SetLength(200L * 1024 * 1024); // sparse: costs no disk, reads as zeros
        }

        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Token("eyJ.token.value"));
        var client = Client(endpoint, path);
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => client.GetTokenAsync().AsTask());

        // Every thread counts (the read may run on a pool thread); this class runs alone, so nothing else allocates.
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal("TokenFilePath", error.Setting);
        Assert.Contains("64 KiB", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 16 * 1024 * 1024, $"Refusing the file allocated {allocated} bytes.");
        Assert.Empty(endpoint.Requests);
    }

    [Fact]
    public async Task An_endless_device_is_refused_after_reading_at_most_64_KiB()
    {
        Assert.True(File.Exists("/dev/zero"), "This test needs /dev/zero (Linux).");
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Token("eyJ.token.value"));

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => Client(endpoint, "/dev/zero").GetTokenAsync().AsTask());

        Assert.Equal("TokenFilePath", error.Setting);
        Assert.Empty(endpoint.Requests);
    }

    [Theory]
    [InlineData("/var/run/secrets/token\0.txt")]
    [InlineData("\0")]
    public void A_path_with_a_nul_is_a_configuration_error(string path)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new FederatedTokenFileCredential(path));

        Assert.Equal("TokenFilePath", error.Setting);
        TextAssert.Printable(error.Message, "message");
    }

    [Fact]
    public async Task A_directory_is_refused_like_a_missing_file()
    {
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Token("eyJ.token.value"));

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => Client(endpoint, _directory).GetTokenAsync().AsTask());

        Assert.Equal("TokenFilePath", error.Setting);
        Assert.Empty(endpoint.Requests);
    }

    [Fact]
    public async Task A_valid_projected_token_is_sent_as_is()
    {
        var token = Jwt($$"""{"iss":"{{TestIds.FederatedIssuer}}","sub":"{{TestIds.FederatedSubject}}","exp":{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}""");
        var path = Write("\n" + token + "\n");
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Token("eyJ.token.value"));

        await Client(endpoint, path).GetTokenAsync();

        Assert.Contains("client_assertion=" + token, Assert.Single(endpoint.Requests).Body, StringComparison.Ordinal);
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Jwt(string payload) => $"{B64("""{"alg":"RS256","typ":"JWT"}""")}.{B64(payload)}.c2lnbmF0dXJl";

    private string Write(string content)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    private static ClientCredentialsClient Client(LoopbackServer endpoint, string path) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.TokenEndpoint(endpoint.Url("token")),
        ClientId = TestIds.FederatedClientId,
        Credential = new FederatedTokenFileCredential(path),
        Scopes = [TestIds.Scope],
        Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
    });
}
