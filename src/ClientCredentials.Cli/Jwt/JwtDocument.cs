using System.Text;
using System.Text.Json;
using ClientCredentials.Cli.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Cli.Jwt;

/// <summary>
/// A JWT's decoded header and claims (RFC 7519 §7.2 steps 1–8, without verifying the signature). For reading
/// tokens only: nothing here says the token is genuine.
/// </summary>
internal sealed class JwtDocument
{
    private JwtDocument(JsonElement header, JsonElement payload, int signatureLength)
    {
        Header = header;
        Payload = payload;
        SignatureLength = signatureLength;
    }

    public JsonElement Header { get; }

    public JsonElement Payload { get; }

    /// <summary>Length of the Base64url signature segment; 0 for an unsecured JWT.</summary>
    public int SignatureLength { get; }

    public static JwtDocument Parse(string text)
    {
        var jwt = text.Trim();
        if (jwt.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            jwt = jwt["Bearer ".Length..].Trim();
        }

        var parts = jwt.Split('.');
        if (parts.Length == 5)
        {
            throw Invalid("it has 5 parts: it is an encrypted JWE, which only its recipient can read");
        }

        if (parts.Length != 3)
        {
            throw Invalid($"a JWS has 3 parts separated by '.', this has {parts.Length}");
        }

        return new JwtDocument(DecodePart(parts[0], "header"), DecodePart(parts[1], "payload"), parts[2].Length);
    }

    public string? GetString(string claim) =>
        Payload.TryGetProperty(claim, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A claim that may be one string or an array of strings (<c>aud</c>, <c>roles</c>).</summary>
    public IReadOnlyList<string> GetStrings(string claim)
    {
        if (!Payload.TryGetProperty(claim, out var value))
        {
            return [];
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array => value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList(),
            _ => [],
        };
    }

    /// <summary>A NumericDate claim (RFC 7519 §2), as a number or a numeric string.</summary>
    public DateTimeOffset? GetTime(string claim)
    {
        if (!Payload.TryGetProperty(claim, out var value))
        {
            return null;
        }

        long seconds;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number))
        {
            seconds = (long)number;
        }
        else if (value.ValueKind != JsonValueKind.String || !long.TryParse(value.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out seconds))
        {
            return null;
        }

        return seconds is >= -62135596800 and <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
    }

    private static JsonElement DecodePart(string segment, string name)
    {
        byte[] bytes;
        try
        {
            bytes = Base64UrlEncoder.DecodeBytes(segment);
        }
        catch (FormatException)
        {
            throw Invalid($"the {name} is not Base64url");
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"the {name} is not a JSON object");
            }

            if (!IsReadableText(document.RootElement))
            {
                throw Invalid($"the {name} has a name or string that is not valid UTF-8 text");
            }

            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw Invalid($"the {name} is not JSON (starts with '{Truncate(Encoding.UTF8.GetString(bytes))}')");
        }
    }

    /// <summary>
    /// Whether every member name and string reads as text. JSON can hold bytes that are not UTF-8, or escape a lone
    /// surrogate (RFC 8259 §8.1, §8.2); the parser accepts both and only reading the string fails, so the claims are
    /// read once here, before anything shows them.
    /// </summary>
    private static bool IsReadableText(JsonElement element)
    {
        try
        {
            ReadAllText(element);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void ReadAllText(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    _ = member.Name;
                    ReadAllText(member.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    ReadAllText(item);
                }

                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
        }
    }

    private static string Truncate(string value) => value.Length <= 16 ? value : value[..16] + "...";

    private static CliConfigurationException Invalid(string reason) =>
        new("jwt", $"This is not a readable JWT: {reason}.");
}
