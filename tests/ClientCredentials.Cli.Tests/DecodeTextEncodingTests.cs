using System.Text;
using ClientCredentials.Cli.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Cli.Tests;

/// <summary>
/// <c>cc-token decode</c> on tokens whose JSON text is not valid Unicode (found by the jwt fuzz target): a
/// configuration error on the token saying why (exit 3), not an unexpected failure (exit 1).
/// </summary>
public sealed class DecodeTextEncodingTests
{
    public static TheoryData<string, byte[], byte[]> Tokens => new()
    {
        { "invalid UTF-8 in a claim", """{"alg":"RS256"}"""u8.ToArray(), [.. """{"scp":"a"""u8, 0xFF, .. "\"}"u8] },
        { "invalid UTF-8 in a claim name", """{"alg":"RS256"}"""u8.ToArray(), [.. "{\"a"u8, 0xC3, .. "\":1}"u8] },
        { "lone surrogate in exp", """{"alg":"RS256"}"""u8.ToArray(), Encoding.UTF8.GetBytes("""{"exp":"\udc00"}""") },
        { "lone surrogate in the header", Encoding.UTF8.GetBytes("""{"alg":"\ud83d"}"""), """{"aud":"x"}"""u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(Tokens))]
    public async Task Unreadable_text_is_a_configuration_error_saying_why(string why, byte[] header, byte[] payload)
    {
        var jwt = Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(payload) + ".c2ln";

        var result = await CcToken.RunAsync("decode", jwt);

        Assert.True(result.ExitCode == 3, $"{why}: {result}");
        Assert.Contains("not valid UTF-8 text", result.Stderr, StringComparison.Ordinal);
    }
}
