using System.Text;
using System.Text.Json;

namespace ClientCredentials.Protocol;

/// <summary>
/// Reads and checks the content of a federated token file before it is sent as <c>client_assertion</c>: at most
/// 64 KiB (never more is read, whatever the file claims to be — a device or a growing file included), UTF-8 text,
/// and a compact JWS (RFC 7515 §7.1: three Base64url parts) whose header and payload are JSON objects and whose
/// payload has an <c>exp</c> (RFC 7519 §4.1.4) that is a NumericDate a calendar can hold (year 1970 to 9999).
/// Anything else is a <see cref="ClientCredentialsConfigurationException"/> for <c>TokenFilePath</c> that never quotes
/// the content (it may be a credential).
/// </summary>
internal static class FederatedTokenFileReader
{
    /// <summary>The largest token file accepted: 64 KiB (a projected service account token is about 1 KiB).</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The largest <c>exp</c> a <see cref="DateTimeOffset"/> holds: 9999-12-31T23:59:59Z.</summary>
    private const long MaxNumericDate = 253402300799;

    private static readonly UTF8Encoding StrictUtf8 = new(
        // Stryker disable once Boolean : the byte order mark flag only affects encoding (GetPreamble); this instance only decodes
        encoderShouldEmitUTF8Identifier: false,
        throwOnInvalidBytes: true);

    /// <summary>Reads at most <see cref="MaxBytes"/> bytes of <paramref name="path"/> and returns the trimmed text.</summary>
    public static string ReadText(string path)
    {
        var buffer = new byte[MaxBytes + 1];
        var length = 0;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.None);
            while (length != buffer.Length)
            {
                var read = stream.Read(buffer, length, buffer.Length - length);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Refused(path, $"could not be read: {UntrustedText.Neutralize(ex.Message)}", ex);
        }

        if (length > MaxBytes)
        {
            throw Refused(path, $"is larger than {MaxBytes / 1024} KiB; a federated token is a JWT of a few KiB. Check that the path names the projected token, not another file.");
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(buffer, 0, length);
        }
        catch (DecoderFallbackException ex)
        {
            throw Refused(path, "is not UTF-8 text; a federated token file holds one JWT.", ex);
        }

        text = text.Trim();
        if (text.Length == 0)
        {
            throw Refused(path, "is empty.");
        }

        return text;
    }

    /// <summary>Checks that <paramref name="token"/> is a compact JWS with a valid <c>exp</c>, and returns that <c>exp</c>.</summary>
    public static DateTimeOffset ReadExpiry(string token, string path)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || parts[2].Length == 0 ||
            token.AsSpan().IndexOfAnyExcept(Base64UrlAndDot) >= 0)
        {
            throw Refused(path, "does not hold a signed JWT (three Base64url parts separated by dots, RFC 7515 §7.1); it would be refused by the token endpoint.");
        }

        JsonElement payload;
        try
        {
            using var header = JsonDocument.Parse(DecodeBase64Url(parts[0]));
            using var document = JsonDocument.Parse(DecodeBase64Url(parts[1]));
            if (header.RootElement.ValueKind != JsonValueKind.Object || document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Refused(path, "holds a JWT whose header or payload is not a JSON object.");
            }

            payload = document.RootElement.Clone();
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
            throw Refused(path, "holds a JWT whose header or payload is not Base64url-encoded JSON.", ex);
        }

        if (!payload.TryGetProperty("exp", out var exp))
        {
            throw Refused(path, "holds a JWT without 'exp'; a federated token must say when it expires (RFC 7519 §4.1.4), so that it is re-read before then.");
        }

        if (exp.ValueKind != JsonValueKind.Number || !exp.TryGetDouble(out var seconds) || double.IsNaN(seconds))
        {
            throw Refused(path, "holds a JWT whose 'exp' is not a NumericDate (a number of seconds since 1970, RFC 7519 §2).");
        }

        if (seconds < 1 || seconds > MaxNumericDate)
        {
            throw Refused(path, $"holds a JWT whose 'exp' ({UntrustedText.Neutralize(exp.GetRawText(), 32)}) is outside 1970-01-01..9999-12-31; it is not a usable expiry.");
        }

        return DateTimeOffset.FromUnixTimeSeconds((long)Math.Floor(seconds));
    }

    private static readonly System.Buffers.SearchValues<char> Base64UrlAndDot =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");

    /// <summary>Base64url without padding (RFC 7515 §2); the characters were checked by the caller.</summary>
    private static byte[] DecodeBase64Url(string part)
    {
        var base64 = part.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }

    private static ClientCredentialsConfigurationException Refused(string path, string problem, Exception? inner = null) =>
        new("TokenFilePath", $"The federated token file '{UntrustedText.Neutralize(path, 512)}' {problem}", inner);
}
