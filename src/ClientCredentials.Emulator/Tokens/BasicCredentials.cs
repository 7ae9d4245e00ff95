using System.Net;
using System.Text;

namespace ClientCredentials.Emulator.Tokens;

/// <summary>
/// HTTP Basic client credentials (RFC 6749 §2.3.1): Base64 of <c>id:secret</c>, where id and secret were each
/// form-url-encoded first, so they are form-url-decoded after the Base64 decode. <see cref="ToString"/> names the
/// client only, never the secret.
/// </summary>
internal sealed record BasicCredentials(string ClientId, string Secret)
{
    /// <summary>The client id and that a secret was given; the secret itself is never printed.</summary>
    public override string ToString() => $"Basic credentials of client {ClientId} (secret redacted)";

    /// <summary>Null when the header is absent or not Basic; <paramref name="malformed"/> when Basic but unreadable.</summary>
    public static BasicCredentials? TryRead(string? authorization, out bool malformed)
    {
        malformed = false;
        const string scheme = "Basic ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[scheme.Length..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                malformed = true;
                return null;
            }

            return new BasicCredentials(WebUtility.UrlDecode(decoded[..colon]), WebUtility.UrlDecode(decoded[(colon + 1)..]));
        }
        catch (FormatException)
        {
            malformed = true;
            return null;
        }
    }
}
