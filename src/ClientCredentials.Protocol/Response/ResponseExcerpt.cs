using System.Text;
using System.Text.RegularExpressions;

namespace ClientCredentials.Protocol;

/// <summary>
/// The excerpt of a response body that an error may quote (a proxy's HTML page, a plain-text 502, a JSON object that
/// is not an OAuth error; a body that names an <c>access_token</c> is never excerpted, see
/// <see cref="TokenResponseReader"/>): at most 512 characters of the first 2,048 bytes, with every value that could be a
/// credential replaced by <c>[redacted]</c> before anything else — the value of any <c>access_token</c>,
/// <c>refresh_token</c>, <c>id_token</c>, <c>client_assertion</c>, <c>assertion</c>, <c>client_secret</c> or
/// <c>password</c> member or form field, a <c>Bearer</c> credential, and any JWT-shaped run (<c>eyJ…</c>, as every
/// JWS and JWE starts) — then white space collapsed and control characters neutralised (<see cref="UntrustedText"/>).
/// </summary>
internal static partial class ResponseExcerpt
{
    /// <summary>The longest excerpt, in characters.</summary>
    public const int MaxChars = 512;

    private const string Redacted = "[redacted]";

    public static string Of(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return "(empty body)";
        }

        // Stryker disable once Equality : a body of exactly 2,048 bytes cut at 2,048 bytes is the whole body
        var text = Encoding.UTF8.GetString(body.Length > MaxChars * 4 ? body[..(MaxChars * 4)] : body);
        text = Redact(text);

        // Stryker disable once Linq : the capacity only sizes the first buffer; Neutralize cuts the text to MaxChars
        var builder = new StringBuilder(Math.Min(text.Length, MaxChars));

        // Stryker disable once Boolean : before the first character the builder is empty, which already keeps a leading space out
        var lastWasSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                if (!lastWasSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                lastWasSpace = true;
                continue;
            }

            builder.Append(c);
            lastWasSpace = false;
        }

        return UntrustedText.Neutralize(builder.ToString().TrimEnd(), MaxChars);
    }

    /// <summary>Replaces every credential-looking value in <paramref name="text"/> with <c>[redacted]</c>.</summary>
    internal static string Redact(string text)
    {
        text = CredentialMember().Replace(text, match => match.Groups["prefix"].Value + Redacted);
        text = BearerCredential().Replace(text, match => match.Groups["scheme"].Value + Redacted);
        return JwtShaped().Replace(text, Redacted);
    }

    /// <summary>
    /// A credential-named JSON member or form/query field and its value: <c>"access_token": "…"</c>,
    /// <c>access_token=…</c>, <c>'client_assertion':'…'</c>. The value runs to the next quote, <c>&amp;</c>, comma,
    /// brace, angle bracket or white space — or to the end of a body cut short.
    /// </summary>
    [GeneratedRegex("""(?<prefix>(?:access_token|refresh_token|id_token|client_assertion|assertion|client_secret|password)["']?\s*[:=]\s*["']?)[^"'&,;{}<>\s]*""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CredentialMember();

    /// <summary>An Authorization-style credential: <c>Bearer &lt;token&gt;</c> (RFC 6750 §2.1 b64token).</summary>
    [GeneratedRegex("""(?<scheme>\bBearer\s+)[A-Za-z0-9\-._~+/]+=*""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BearerCredential();

    /// <summary>A JWS or JWE in compact form, whole or cut: base64url of a JSON header (<c>eyJ</c> = <c>{"</c>), dots and more base64url.</summary>
    [GeneratedRegex("""eyJ[A-Za-z0-9_\-]{4,}(?:\.[A-Za-z0-9_\-]*)*""", RegexOptions.CultureInvariant)]
    private static partial Regex JwtShaped();
}
