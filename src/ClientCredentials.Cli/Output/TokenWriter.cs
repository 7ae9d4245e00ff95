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

    public static void Write(TextWriter output, TokenOutputFormat format, AccessToken token, DateTimeOffset now)
    {
        switch (format)
        {
            case TokenOutputFormat.Header:
                output.WriteLine($"Authorization: {token.TokenType} {token.Token}");
                break;
            case TokenOutputFormat.Json:
                output.WriteLine(ToJson(token, now));
                break;
            default:
                output.WriteLine(token.Token);
                break;
        }
    }

    private static string ToJson(AccessToken token, DateTimeOffset now)
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
