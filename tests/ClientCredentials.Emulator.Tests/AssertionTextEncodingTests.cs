using System.Net;
using System.Text;
using ClientCredentials.Emulator.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Emulator.Tests;

/// <summary>
/// Client assertions whose JSON text is not valid Unicode (found by the assertion fuzz target): they are malformed
/// JWTs, answered with AADSTS50027 like any other, not with HTTP 500.
/// </summary>
public sealed class AssertionTextEncodingTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorHarness _emulator = fixture.Emulator;

    public static TheoryData<string, byte[]> Payloads => new()
    {
        // A byte that is not UTF-8 inside a string claim.
        { "invalid UTF-8 in iss", [.. "{\"iss\":\"a"u8, 0xFF, .. "\",\"aud\":\"x\"}"u8] },
        { "invalid UTF-8 in aud", [.. "{\"aud\":[\"a"u8, 0x9E, .. "\"]}"u8] },

        // JSON escapes of a lone surrogate (RFC 8259 §8.2) parse, then fail when read as a string.
        { "lone surrogate in sub", Encoding.UTF8.GetBytes("""{"sub":"\ud800","aud":"x"}""") },
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task Assertion_with_unreadable_text_is_AADSTS50027(string why, byte[] payload)
    {
        var assertion = Base64UrlEncoder.Encode("""{"alg":"PS256","typ":"JWT"}""") + "." + Base64UrlEncoder.Encode(payload) + ".c2ln";

        var response = await _emulator.PostV2Async(EmulatorHarness.AssertionForm(TestDirectory.CertClientId, assertion));

        Assert.True(response.Status == HttpStatusCode.Unauthorized, $"{why}: HTTP {(int)response.Status}");
        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 50027);
        Assert.Contains("UTF-8 JSON", response.String("error_description"), StringComparison.Ordinal);
    }
}
