using System.Buffers.Text;
using System.Text.Json;

namespace ClientCredentials.Protocol;

/// <summary>Reads the <c>exp</c> claim (RFC 7519 §4.1.4) of a compact JWT without validating it.</summary>
internal static class JwtExpiry
{
    public static DateTimeOffset? Read(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            if (payload.RootElement.ValueKind == JsonValueKind.Object && payload.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds))
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
        }

        return null;
    }
}
