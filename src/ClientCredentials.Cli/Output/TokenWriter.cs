using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Output;

/// <summary>Prints an acquired token in the chosen <see cref="TokenOutputFormat"/> on standard output.</summary>
internal static class TokenWriter
{
    /// <summary>Reads the <c>--output</c> value (token, json or header).</summary>
    public static TokenOutputFormat ParseFormat(string? value) => value?.ToLowerInvariant() switch
    {
        "json" => TokenOutputFormat.Json,
        "header" => TokenOutputFormat.Header,
        _ => TokenOutputFormat.Token,
    };

    /// <param name="output">Standard output.</param>
    /// <param name="format">The <c>--output</c> format.</param>
    /// <param name="token">The token.</param>
    /// <param name="now">The current time, for <c>expires_in</c>.</param>
    /// <param name="dpopKey">The DPoP key the token is bound to, or null.</param>
    /// <param name="dpopProof">The DPoP proof for the <c>--dpop-url</c> request, or null.</param>
    public static void Write(TextWriter output, TokenOutputFormat format, AccessToken token, DateTimeOffset now, DPoPProofKey? dpopKey = null, string? dpopProof = null)
    {
        switch (format)
        {
            case TokenOutputFormat.Header:
                // With DPoP, the header pair of RFC 9449 §7.1, for curl -H @file.
                output.WriteLine($"Authorization: {token.TokenType} {token.Token}");
                if (dpopProof is not null)
                {
                    output.WriteLine($"{DPoPNonce.ProofHeaderName}: {dpopProof}");
                }

                break;
            case TokenOutputFormat.Json:
                output.WriteLine(ToJson(token, now, dpopKey, dpopProof));
                break;
            default:
                output.WriteLine(token.Token);
                break;
        }
    }

    private static string ToJson(AccessToken token, DateTimeOffset now, DPoPProofKey? dpopKey, string? dpopProof)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("access_token", token.Token);
            json.WriteString("token_type", token.TokenType);
            json.WriteNumber("expires_in", Math.Max(0, (long)(token.ExpiresOn - now).TotalSeconds));
            json.WriteString("expires_on", token.ExpiresOn.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("scope", string.Join(' ', token.Scopes));
            json.WriteString("fingerprint", TokenFingerprint.Of(token.Token));
            if (dpopKey is not null)
            {
                json.WriteString("dpop_jkt", dpopKey.Thumbprint);
            }

            if (dpopProof is not null)
            {
                json.WriteString("dpop_proof", dpopProof);
            }

            if (token.CorrelationId is { } correlationId)
            {
                json.WriteString("correlation_id", correlationId);
            }

            if (token.RegionalRoute != RegionalRoute.NotRegional)
            {
                json.WriteString("regional_route", token.RegionalRoute == RegionalRoute.Regional ? "regional" : "global_after_regional_failure");
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
