using System.Buffers;
using System.Text;
using System.Text.Json;
using ClientCredentials.Cli.Jwt;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Output;

/// <summary>Prints a decoded JWT for a person: header, claims, then a summary with times in UTC and relative, and warnings.</summary>
internal static class DecodedJwtWriter
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(TextWriter output, TextWriter warnings, JwtDocument jwt, TokenInsights insights, DateTimeOffset now)
    {
        output.WriteLine("Signature NOT validated: this only decodes the token. Never trust a decoded token's claims without validating it.");
        output.WriteLine();
        output.WriteLine("Header:");
        WriteJson(output, jwt.Header);
        output.WriteLine();
        output.WriteLine("Claims:");
        WriteJson(output, jwt.Payload);
        output.WriteLine();
        output.WriteLine("Summary:");
        WriteRow(output, "aud", insights.Audiences.Count == 0 ? "(none)" : string.Join(", ", insights.Audiences));
        WriteRow(output, "iss", insights.Issuer ?? "(none)");
        WriteRow(output, "kind", insights.IsAppOnly ? "app-only token (client credentials)" : "delegated token (a user signed in)");
        WriteRow(output, "roles", insights.Roles.Count == 0 ? "(none)" : string.Join(", ", insights.Roles));
        WriteRow(output, "scp", insights.Scopes.Count == 0 ? "(none)" : string.Join(", ", insights.Scopes));
        WriteTime(output, "iat", insights.IssuedAt, now);
        WriteTime(output, "nbf", insights.NotBefore, now);
        WriteTime(output, "exp", insights.ExpiresOn, now);
        foreach (var warning in insights.Warnings)
        {
            warnings.WriteLine("warning: " + UntrustedText.Neutralize(warning, 1024));
        }
    }

    /// <summary>
    /// Writes indented JSON whose every line is neutralised: the writer escapes control characters but leaves
    /// bidirectional and invisible format characters raw, which would reorder what the terminal shows. Inside a JSON
    /// string their <c>\uXXXX</c> escape is still valid JSON. The element is written as parsed (no serializer), which
    /// also keeps the native build free of reflection.
    /// </summary>
    private static void WriteJson(TextWriter output, JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            value.WriteTo(writer);
        }

        foreach (var line in Encoding.UTF8.GetString(buffer.WrittenSpan).Split('\n'))
        {
            output.WriteLine(UntrustedText.Neutralize(line.TrimEnd('\r'), int.MaxValue));
        }
    }

    private static void WriteTime(TextWriter output, string claim, DateTimeOffset? moment, DateTimeOffset now) =>
        WriteRow(output, claim, moment is { } at ? RelativeTime.WithUtc(at, now) : "(none)");

    /// <summary>One summary row; the value comes from the token, so it is neutralised before it reaches the terminal.</summary>
    private static void WriteRow(TextWriter output, string name, string value) => output.WriteLine($"  {name,-6} {UntrustedText.Neutralize(value, 1024)}");
}
