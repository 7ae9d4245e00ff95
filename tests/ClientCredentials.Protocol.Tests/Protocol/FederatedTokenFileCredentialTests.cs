using System.Net.Sockets;
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

    private static string JwtWith(string payload, string header = """{"alg":"RS256","typ":"JWT"}""") =>
        Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(payload) + ".sig";

    private ClientCredentialsConfigurationException Refusal() =>
        Assert.Throws<ClientCredentialsConfigurationException>(() => new FederatedTokenFileCredential(_path).ReadAssertion(Now));

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

    [Fact]
    public void From_environment_says_which_variable_is_not_set()
    {
        var saved = Environment.GetEnvironmentVariable(FederatedTokenFileCredential.TokenFileVariable);
        try
        {
            Environment.SetEnvironmentVariable(FederatedTokenFileCredential.TokenFileVariable, " ");
            var error = Assert.Throws<ClientCredentialsConfigurationException>(FederatedTokenFileCredential.FromEnvironment);
            Assert.Contains("AZURE_FEDERATED_TOKEN_FILE is not set", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(FederatedTokenFileCredential.TokenFileVariable, saved);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void An_empty_path_is_refused_naming_the_environment_variable(string path)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new FederatedTokenFileCredential(path));

        Assert.Equal("TokenFilePath", error.Setting);
        Assert.Contains("path is empty; set AZURE_FEDERATED_TOKEN_FILE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_that_starts_with_a_nul_is_refused_naming_the_position()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new FederatedTokenFileCredential("\0/var/run/secrets/token"));

        Assert.Equal("TokenFilePath", error.Setting);
        Assert.Contains("contains a NUL character at position 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokens_are_kept_under_the_full_path_of_the_file_which_it_shows()
    {
        var credential = new FederatedTokenFileCredential(_path);

        Assert.Equal("federated-token-file:" + Path.GetFullPath(_path), credential.CacheIdentity);
        Assert.Equal("federated token file " + Path.GetFullPath(_path), credential.ToString());
        Assert.Equal(ClientAuthenticationMethods.PrivateKeyJwt, credential.AuthenticationMethod);
    }

    [Fact]
    public void A_missing_file_is_refused_naming_the_setting_and_the_variable()
    {
        var error = Refusal();

        Assert.Equal("TokenFilePath", error.Setting);
        Assert.Contains("does not exist; check AZURE_FEDERATED_TOKEN_FILE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_whose_exp_is_now_is_refused_as_expired()
    {
        Write(Jwt(Now, "now"));

        var error = Refusal();

        Assert.Equal("TokenFilePath", error.Setting);
        Assert.Contains("expired at 2026-11-22 12:00:00Z", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_one_second_before_its_exp_is_sent()
    {
        var token = Jwt(Now.AddSeconds(1), "last-second");
        Write(token);

        Assert.Equal(token, new FederatedTokenFileCredential(_path).ReadAssertion(Now));
    }

    [Fact]
    public void Re_reads_exactly_five_minutes_before_exp()
    {
        var stamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var credential = new FederatedTokenFileCredential(_path);
        Write(Jwt(Now.AddMinutes(10), "one"), stamp);
        credential.ReadAssertion(Now);

        var rotated = Jwt(Now.AddHours(1), "two"); // same length, same stamp: only exp forces the read
        Write(rotated, stamp);
        Assert.Equal(rotated, credential.ReadAssertion(Now.AddMinutes(5)));
    }

    [Fact]
    public void A_file_of_exactly_64_KiB_is_read()
    {
        var token = Jwt(Now.AddHours(1), "padded");
        Write(token + new string(' ', FederatedTokenFileReader.MaxBytes - token.Length));

        Assert.Equal(FederatedTokenFileReader.MaxBytes, new FileInfo(_path).Length);
        Assert.Equal(token, new FederatedTokenFileCredential(_path).ReadAssertion(Now));
    }

    [Fact]
    public void A_file_one_byte_over_64_KiB_is_refused_naming_the_limit()
    {
        var token = Jwt(Now.AddHours(1), "padded");
        Write(token + new string(' ', FederatedTokenFileReader.MaxBytes + 1 - token.Length));

        var error = Refusal();

        Assert.Equal("TokenFilePath", error.Setting);
        Assert.Contains("is larger than 64 KiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Content_that_is_not_utf8_is_refused_as_such()
    {
        File.WriteAllBytes(_path, [0x65, 0x79, 0xC3, 0x28, 0x2E]);

        var error = Refusal();

        Assert.Equal("TokenFilePath", error.Setting);
        Assert.Contains("is not UTF-8 text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Something_that_is_not_a_readable_file_is_refused_as_unreadable()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(_path));

        var error = Refusal();

        Assert.Equal("TokenFilePath", error.Setting);
        Assert.Contains("could not be read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_file_another_reader_holds_open_is_read()
    {
        var token = Jwt(Now.AddHours(1), "shared");
        Write(token);
        using var otherReader = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        Assert.Equal(token, new FederatedTokenFileCredential(_path).ReadAssertion(Now));
    }

    [Theory]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln+bmF0/dXJl=")]
    [InlineData("~eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJl")]
    public void A_character_outside_base64url_anywhere_is_refused_as_not_a_signed_jwt(string content)
    {
        Write(content);

        var error = Refusal();

        Assert.Contains("does not hold a signed JWT (three Base64url parts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_that_is_not_a_json_object_is_refused()
    {
        Write(JwtWith($$"""{"exp":{{Now.AddHours(1).ToUnixTimeSeconds()}}}""", header: "[]"));

        var error = Refusal();

        Assert.Equal("TokenFilePath", error.Setting);
        Assert.Contains("header or payload is not a JSON object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_that_is_not_json_is_refused()
    {
        Write(JwtWith($$"""{"exp":{{Now.AddHours(1).ToUnixTimeSeconds()}}}""", header: "not json"));

        var error = Refusal();

        Assert.Equal("TokenFilePath", error.Setting);
        Assert.Contains("header or payload is not Base64url-encoded JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exp_that_is_a_string_is_refused_as_not_a_numeric_date()
    {
        Write(JwtWith("""{"exp":"4102444800"}"""));

        Assert.Contains("'exp' is not a NumericDate", Refusal().Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("253402300800")]
    public void An_exp_outside_the_calendar_is_refused_with_its_value(string exp)
    {
        Write(JwtWith($$"""{"exp":{{exp}}}"""));

        var error = Refusal();

        Assert.Equal("TokenFilePath", error.Setting);
        Assert.Contains($"'exp' ({exp}) is outside 1970-01-01..9999-12-31", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exp_of_one_second_after_1970_is_a_date_so_the_token_is_refused_as_expired()
    {
        Write(JwtWith("""{"exp":1}"""));

        Assert.Contains("expired at 1970-01-01 00:00:01Z", Refusal().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exp_of_the_last_second_of_9999_is_accepted()
    {
        var token = JwtWith("""{"exp":253402300799}""");
        Write(token);

        Assert.Equal(token, new FederatedTokenFileCredential(_path).ReadAssertion(Now));
    }
}
