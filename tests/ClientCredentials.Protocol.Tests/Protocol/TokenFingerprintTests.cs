using System.Security.Cryptography;
using System.Text;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// The fingerprint that names a token in logs and messages: <c>sha256:</c> and the first 8 lowercase hex digits of the
/// SHA-256 of the value's UTF-8 bytes, so an operator can match it against <c>cc-token</c> or any sha256sum; <c>(none)</c>
/// for an empty value.
/// </summary>
public sealed class TokenFingerprintTests
{
    [Fact]
    public void The_fingerprint_is_the_first_four_bytes_of_the_SHA256_in_lowercase_hex()
    {
        // FIPS 180-2 test vector: SHA-256("abc") = ba7816bf 8f01cfea ...
        Assert.Equal("sha256:ba7816bf", TokenFingerprint.Of("abc"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void An_absent_value_is_shown_as_none(string? value) => Assert.Equal("(none)", TokenFingerprint.Of(value));

    [Theory]
    [InlineData(1)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(40_000)]
    public void Any_length_hashes_its_UTF8_bytes(int characters)
    {
        var value = string.Concat(Enumerable.Repeat("é", characters / 2)) + new string('x', characters % 2);
        var expected = "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..8].ToLowerInvariant();

        Assert.Equal(expected, TokenFingerprint.Of(value));
    }
}
