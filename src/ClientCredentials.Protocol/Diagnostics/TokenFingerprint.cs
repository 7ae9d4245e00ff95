using System.Security.Cryptography;
using System.Text;

namespace ClientCredentials.Protocol;

/// <summary>
/// Names a token, secret or assertion in logs and messages without revealing it: the first 8 hex digits of its
/// SHA-256 hash. Eight digits are enough to tell tokens apart in a log and far too few to recover anything.
/// </summary>
public static class TokenFingerprint
{
    /// <summary>Returns <c>sha256:xxxxxxxx</c> for <paramref name="value"/>, or <c>(none)</c> when it is empty.</summary>
    public static string Of(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "(none)";
        }

        Span<byte> hash = stackalloc byte[32];
        var byteCount = Encoding.UTF8.GetByteCount(value);
        // Stryker disable once Equality,Conditional : stack or heap only changes where the bytes live, never the hash
        var buffer = byteCount <= 1024 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(value, buffer);
        SHA256.HashData(buffer, hash);
        return "sha256:" + Convert.ToHexString(hash[..4]).ToLowerInvariant();
    }
}
