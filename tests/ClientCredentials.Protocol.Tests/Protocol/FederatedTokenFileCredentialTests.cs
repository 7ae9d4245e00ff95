using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Protocol.Tests.Protocol;

public sealed class FederatedTokenFileCredentialTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "cc-federated-" + Guid.NewGuid().ToString("N"));
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public void Dispose() => File.Delete(_path);

    private static string Jwt(DateTimeOffset exp, string marker) =>
        Base64UrlEncoder.Encode("""{"alg":"RS256","typ":"JWT"}""") + "." +
        Base64UrlEncoder.Encode($$"""{"iss":"https://oidc.example","sub":"system:serviceaccount:ns:sa","aud":"api://AzureADTokenExchange","exp":{{exp.ToUnixTimeSeconds()}},"m":"{{marker}}"}""") + ".sig";

    private void Write(string content, DateTime? stamp = null)
    {
        File.WriteAllText(_path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.SetLastWriteTimeUtc(_path, stamp ?? DateTime.UtcNow);
    }

    [Fact]
    public void Reads_the_file_once_while_it_is_unchanged_and_far_from_expiry()
    {
        var first = Jwt(Now.AddHours(1), "one");
        Write(first, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var credential = new FederatedTokenFileCredential(_path);
        Assert.Equal(first, credential.ReadAssertion(Now));

        // Same size and timestamp: the held assertion is used without reading the file again.
        Write(Jwt(Now.AddHours(1), "two"), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal(first, credential.ReadAssertion(Now.AddMinutes(1)));
    }

    [Fact]
    public void Re_reads_when_the_file_changes()
    {
        var credential = new FederatedTokenFileCredential(_path);
        Write(Jwt(Now.AddHours(1), "one"), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        credential.ReadAssertion(Now);
        var rotated = Jwt(Now.AddHours(1), "two");
        Write(rotated, new DateTime(2026, 1, 1, 0, 5, 0, DateTimeKind.Utc));
        Assert.Equal(rotated, credential.ReadAssertion(Now));
    }

    [Fact]
    public void Re_reads_when_the_held_token_is_within_five_minutes_of_exp()
    {
        var stamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var credential = new FederatedTokenFileCredential(_path);
        Write(Jwt(Now.AddMinutes(10), "one"), stamp);
        credential.ReadAssertion(Now);

        var rotated = Jwt(Now.AddHours(1), "two"); // same length, same stamp: only exp forces the read
        Write(rotated, stamp);
        Assert.Equal(rotated, credential.ReadAssertion(Now.AddMinutes(6)));
    }

    [Fact]
    public void An_expired_token_that_was_not_rotated_is_refused_naming_aadsts700024()
    {
        Write(Jwt(Now.AddMinutes(-1), "old"));
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new FederatedTokenFileCredential(_path).ReadAssertion(Now));
        Assert.Contains("AADSTS700024", error.Message);
        Assert.DoesNotContain(".sig", error.Message);
    }

    [Fact]
    public void Missing_and_empty_files_are_refused_with_the_path()
    {
        var missing = Assert.Throws<ClientCredentialsConfigurationException>(() => new FederatedTokenFileCredential(_path).ReadAssertion(Now));
        Assert.Contains(_path, missing.Message);
        Write("  \n");
        Assert.Contains("empty", Assert.Throws<ClientCredentialsConfigurationException>(() => new FederatedTokenFileCredential(_path).ReadAssertion(Now)).Message);
    }

    [Theory]
    [InlineData("opaque-token-1")]
    [InlineData("a.b")]
    [InlineData("not base64!.not base64!.sig")]
    public void Content_that_is_not_a_signed_jwt_is_refused_without_quoting_it(string content)
    {
        Write(content);
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new FederatedTokenFileCredential(_path).ReadAssertion(Now));
        Assert.Equal("TokenFilePath", error.Setting);
        Assert.DoesNotContain(content, error.Message);
    }

    [Fact]
    public void A_jwt_without_exp_is_refused_rather_than_read_again_on_every_request()
    {
        Write(Base64UrlEncoder.Encode("""{"alg":"RS256"}""") + "." + Base64UrlEncoder.Encode("""{"sub":"s"}""") + ".sig");
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new FederatedTokenFileCredential(_path).ReadAssertion(Now));
        Assert.Contains("without 'exp'", error.Message);
    }

    [Fact]
    public void From_environment_requires_the_variable()
    {
        var saved = Environment.GetEnvironmentVariable(FederatedTokenFileCredential.TokenFileVariable);
        try
        {
            Environment.SetEnvironmentVariable(FederatedTokenFileCredential.TokenFileVariable, null);
            var error = Assert.Throws<ClientCredentialsConfigurationException>(FederatedTokenFileCredential.FromEnvironment);
            Assert.Equal("AZURE_FEDERATED_TOKEN_FILE", error.Setting);
            Environment.SetEnvironmentVariable(FederatedTokenFileCredential.TokenFileVariable, _path);
            Assert.Equal(Path.GetFullPath(_path), FederatedTokenFileCredential.FromEnvironment().TokenFilePath);
        }
        finally
        {
            Environment.SetEnvironmentVariable(FederatedTokenFileCredential.TokenFileVariable, saved);
        }
    }
}
