using System.Globalization;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Emulator.Tokens;

/// <summary>
/// The header and claims of a client assertion (RFC 7523 §3), read without trusting them yet. Time claims are
/// accepted as JSON numbers or numeric strings, because MSAL writes <c>nbf</c>/<c>exp</c> as strings.
/// </summary>
internal sealed record ClientAssertion
{
    public required string Raw { get; init; }

    public string? Algorithm { get; init; }

    public string? X5t { get; init; }

    public string? X5tS256 { get; init; }

    public string? LeafCertificateBase64 { get; init; }

    public string? Issuer { get; init; }

    public string? Subject { get; init; }

    public IReadOnlyList<string> Audiences { get; init; } = [];

    public string? JwtId { get; init; }

    public DateTimeOffset? Expires { get; init; }

    public DateTimeOffset? NotBefore { get; init; }

    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>Whether the header names a certificate (thumbprint or chain).</summary>
    public bool NamesCertificate => X5t is not null || X5tS256 is not null || LeafCertificateBase64 is not null;

    /// <summary>The thumbprint as the header gives it, for error messages.</summary>
    public string ThumbprintForDisplay => X5tS256 ?? X5t ?? "(none)";

    /// <summary>Reads a compact JWS; on failure <paramref name="reason"/> says what is wrong.</summary>
    public static ClientAssertion? TryRead(string raw, out string reason)
    {
        var parts = raw.Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
        {
            reason = "The client assertion must be a signed JWT in compact form: three Base64url parts separated by dots.";
            return null;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(parts[0]));
            using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(parts[1]));
            if (header.RootElement.ValueKind != JsonValueKind.Object || payload.RootElement.ValueKind != JsonValueKind.Object)
            {
                reason = "The client assertion header and payload must be JSON objects.";
                return null;
            }

            var h = header.RootElement;
            var p = payload.RootElement;
            reason = string.Empty;
            return new ClientAssertion
            {
                Raw = raw,
                Algorithm = StringOf(h, "alg"),
                X5t = StringOf(h, "x5t"),
                X5tS256 = StringOf(h, "x5t#S256"),
                LeafCertificateBase64 = LeafOf(h),
                Issuer = StringOf(p, "iss"),
                Subject = StringOf(p, "sub"),
                Audiences = AudiencesOf(p),
                JwtId = StringOf(p, "jti"),
                Expires = TimeOf(p, "exp"),
                NotBefore = TimeOf(p, "nbf"),
                IssuedAt = TimeOf(p, "iat"),
            };
        }
        catch (InvalidNumericDateException ex)
        {
            reason = ex.Message;
            return null;
        }

        // InvalidOperationException: a string that is not valid UTF-8, or escapes a lone surrogate (RFC 8259 §8.1, §8.2),
        // only fails when it is read; such an assertion is malformed like any other.
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            reason = "The client assertion header or payload is not Base64url-encoded UTF-8 JSON.";
            return null;
        }
    }

    private static string? StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary><c>x5c</c> per RFC 7515 is an array (leaf first); MSAL sends a single string.</summary>
    private static string? LeafOf(JsonElement header)
    {
        if (!header.TryGetProperty("x5c", out var x5c))
        {
            return null;
        }

        return x5c.ValueKind switch
        {
            JsonValueKind.String => x5c.GetString(),
            JsonValueKind.Array when x5c.GetArrayLength() > 0 && x5c[0].ValueKind == JsonValueKind.String => x5c[0].GetString(),
            _ => null,
        };
    }

    private static List<string> AudiencesOf(JsonElement payload)
    {
        if (!payload.TryGetProperty("aud", out var aud))
        {
            return [];
        }

        return aud.ValueKind switch
        {
            JsonValueKind.String => [aud.GetString()!],
            JsonValueKind.Array => [.. aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!)],
            _ => [],
        };
    }

    private static DateTimeOffset? TimeOf(JsonElement payload, string name)
    {
        if (!payload.TryGetProperty(name, out var value))
        {
            return null;
        }

        var seconds = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDouble(out var number) => number,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) => whole,
            _ => throw new InvalidNumericDateException($"Claim '{name}' must be a NumericDate (seconds since the epoch)."),
        };

        // A DateTimeOffset holds years 1 to 9999; a value outside them is no moment at all.
        if (double.IsNaN(seconds) || seconds < MinNumericDate || seconds > MaxNumericDate)
        {
            throw new InvalidNumericDateException($"Claim '{name}' is outside the years 0001 to 9999, so it is not a valid time.");
        }

        return DateTimeOffset.FromUnixTimeSeconds((long)Math.Floor(seconds));
    }

    private const double MinNumericDate = -62135596800;
    private const double MaxNumericDate = 253402300799;

    /// <summary>A time claim that is not a usable NumericDate (RFC 7519 §2).</summary>
    private sealed class InvalidNumericDateException(string message) : Exception(message);
}
