using System.Text;
using System.Text.Json;

namespace ClientCredentials.Protocol;

/// <summary>
/// Reads the claims of a claims challenge (<c>WWW-Authenticate: Bearer error="insufficient_claims", claims="…"</c>,
/// as Entra continuous access evaluation sends): Base64 or Base64url (RFC 4648 §4, §5, padding optional) encoded
/// JSON, or the JSON itself. The result is the JSON object to send as the <c>claims</c> token request parameter
/// (OIDC Core §5.5), for example as <see cref="TokenRequestParameters.Claims"/>. The HttpClient handler, the Kiota
/// provider and the Azure credential all decode with it, so a challenge means the same everywhere.
/// </summary>
public static class ClaimsChallenge
{
    /// <summary>
    /// Decodes <paramref name="base64OrBase64Url"/> to a JSON object; false (and an empty string) when it is blank,
    /// not Base64/Base64url, not UTF-8 JSON, or JSON that is not an object.
    /// </summary>
    public static bool TryDecode(string? base64OrBase64Url, out string claimsJson)
    {
        claimsJson = string.Empty;
        if (string.IsNullOrWhiteSpace(base64OrBase64Url))
        {
            return false;
        }

        var value = base64OrBase64Url.Trim();
        if (value.StartsWith('{'))
        {
            return Accept(value, out claimsJson);
        }

        var base64 = value.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        string decoded;
        try
        {
            // Stryker disable once Boolean : the BOM flag only affects encoding (GetPreamble), never GetString
            decoded = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(base64));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return false;
        }

        return Accept(decoded.Trim(), out claimsJson);
    }

    private static bool Accept(string text, out string claimsJson)
    {
        claimsJson = string.Empty;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        claimsJson = text;
        return true;
    }
}
