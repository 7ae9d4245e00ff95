using System.Net.Http.Headers;
using System.Text;

namespace ClientCredentials.Protocol.Extensions.Http;

/// <summary>
/// The <c>Bearer</c> challenge of a 401 (RFC 6750 §3): its <c>error</c> and, for a claims challenge such as Entra
/// continuous access evaluation sends (<c>error="insufficient_claims", claims="&lt;base64&gt;"</c>), the decoded
/// claims JSON to send back as the <c>claims</c> token request parameter (decoded by the core <see cref="ClaimsChallenge"/>).
/// </summary>
internal sealed record BearerChallenge(string? Error, string? Claims, bool HasUnreadableClaims)
{
    private static readonly BearerChallenge None = new(null, null, false);

    public static BearerChallenge From(HttpResponseMessage response)
    {
        foreach (var header in response.Headers.WwwAuthenticate)
        {
            if (string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
            {
                return Parse(header);
            }
        }

        return None;
    }

    public static BearerChallenge Parse(AuthenticationHeaderValue header)
    {
        var parameters = AuthParameters.Parse(header.Parameter);
        parameters.TryGetValue("error", out var error);
        if (!parameters.TryGetValue("claims", out var rawClaims) || string.IsNullOrWhiteSpace(rawClaims))
        {
            return new BearerChallenge(error, null, false);
        }

        return ClaimsChallenge.TryDecode(rawClaims, out var claims)
            ? new BearerChallenge(error, claims, false)
            : new BearerChallenge(error, null, true);
    }
}

/// <summary>Parses <c>auth-param</c> lists (RFC 9110 §11.2): <c>name=token</c> or <c>name="quoted \"string\""</c>, comma separated.</summary>
internal static class AuthParameters
{
    public static Dictionary<string, string> Parse(string? text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(text))
        {
            return result;
        }

        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
            {
                i++;
            }

            var nameStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',' && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var name = text[nameStart..i];
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length || text[i] != '=')
            {
                continue;
            }

            i++;
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var value = new StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    value.Append(text[i]);
                    i++;
                }

                i++;
            }
            else
            {
                while (i < text.Length && text[i] != ',')
                {
                    value.Append(text[i]);
                    i++;
                }
            }

            if (name.Length > 0)
            {
                result[name] = value.ToString().Trim();
            }
        }

        return result;
    }
}
