using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Output;

/// <summary>
/// Prints a <see cref="CliError"/>: as one JSON object on standard output (for <c>--output json</c>), or as one
/// paragraph on standard error for a person.
/// </summary>
internal static class ErrorWriter
{
    public static void WriteJson(TextWriter output, CliError error)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("error", error.Error);
            json.WriteString("error_description", error.Description);
            json.WriteStartArray("error_codes");
            foreach (var code in error.ErrorCodes)
            {
                json.WriteNumberValue(code);
            }

            json.WriteEndArray();
            WriteStringOrNull(json, "trace_id", error.TraceId);
            WriteStringOrNull(json, "correlation_id", error.CorrelationId);
            if (error.Status is { } status)
            {
                json.WriteNumber("status", status);
            }
            else
            {
                json.WriteNull("status");
            }

            if (error.RetryAfter is { } wait)
            {
                json.WriteNumber("retry_after", (long)Math.Ceiling(wait.TotalSeconds));
            }
            else
            {
                json.WriteNull("retry_after");
            }

            WriteStringOrNull(json, "hint", error.Hint);
            json.WriteNumber("exit_code", error.ExitCode);
            json.WriteEndObject();
        }

        // The encoder escapes control characters; bidirectional and invisible format characters it leaves raw, so each
        // line is neutralised too (their \uXXXX escape stays valid JSON inside a string).
        foreach (var line in Encoding.UTF8.GetString(buffer.ToArray()).Split('\n'))
        {
            output.WriteLine(UntrustedText.Neutralize(line, int.MaxValue));
        }
    }

    public static void WriteText(TextWriter output, CliError error)
    {
        var text = new StringBuilder("error: ");
        text.Append(error.Status is { } status ? $"HTTP {status} {error.Error}" : error.Error);
        if (error.ErrorCodes.Count > 0)
        {
            text.Append(" (AADSTS").AppendJoin(", AADSTS", error.ErrorCodes).Append(')');
        }

        text.Append(": ").Append(OneLine(error.Summary ?? error.Description));
        if (error.Hint is { } hint)
        {
            text.Append(" Hint: ").Append(hint);
        }

        if (error.RetryAfter is { } wait)
        {
            text.Append(CultureInfo.InvariantCulture, $" Retry after {Math.Ceiling(wait.TotalSeconds)} s.");
        }

        if (error.TraceId is not null || error.CorrelationId is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" [trace_id {error.TraceId ?? "-"}, correlation_id {error.CorrelationId ?? "-"}]");
        }

        // Every field was neutralised by ErrorClassifier; the whole line is too, so that no field can break out of it.
        output.WriteLine(UntrustedText.Neutralize(text.ToString(), int.MaxValue));
    }

    /// <summary>The text on one line, white space collapsed, so that the error stays one paragraph.</summary>
    private static string OneLine(string text)
    {
        var collapsed = string.Join(' ', text.Split((char[])[' ', '\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length == 0 ? "(no description)" : collapsed;
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
