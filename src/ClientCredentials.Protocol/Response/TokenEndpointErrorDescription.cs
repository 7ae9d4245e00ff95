namespace ClientCredentials.Protocol;

/// <summary>
/// Reads AAD's <c>error_description</c>, which ends in trace lines. Older AAD separates them with <c>\r\n</c>
/// ("...\r\nTrace ID: x\r\nCorrelation ID: y\r\nTimestamp: z"); newer AAD with single spaces
/// ("... Trace ID: x Correlation ID: y Timestamp: z"). Both layouts parse. Each label is read at its last
/// occurrence: the trailer AAD appends comes last, after any text the description quotes from another error.
/// </summary>
internal static class TokenEndpointErrorDescription
{
    private const string TraceLabel = "Trace ID:";
    private const string CorrelationLabel = "Correlation ID:";
    private const string TimestampLabel = "Timestamp:";

    /// <summary>The human part of the description: everything before the last "Trace ID:", whitespace collapsed.</summary>
    public static string? FirstLine(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return null;
        }

        var end = description.LastIndexOf(TraceLabel, StringComparison.Ordinal);
        var head = end >= 0 ? description[..end] : description;
        var collapsed = string.Join(' ', head.Split((char[])[' ', '\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length == 0 ? null : collapsed;
    }

    /// <summary>The value after the last "Trace ID:" in the description.</summary>
    public static string? TraceId(string? description) => ValueAfter(description, TraceLabel);

    /// <summary>The value after the last "Correlation ID:" in the description.</summary>
    public static string? CorrelationId(string? description) => ValueAfter(description, CorrelationLabel);

    /// <summary>The value after the last "Timestamp:" in the description (runs to the end of the line).</summary>
    public static string? Timestamp(string? description)
    {
        if (description is null)
        {
            return null;
        }

        var start = description.LastIndexOf(TimestampLabel, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var rest = description[(start + TimestampLabel.Length)..].TrimStart(' ', '\t');
        var lineEnd = rest.IndexOfAny(['\r', '\n']);
        var value = (lineEnd >= 0 ? rest[..lineEnd] : rest).Trim();
        return value.Length == 0 ? null : value;
    }

    /// <summary>
    /// The AADSTS code at the start of the description ("AADSTS7000215: ..."): picks the remedy for bodies without
    /// <c>error_codes</c>. Not reported as <see cref="TokenEndpointError.ErrorCodes"/>, which holds only what AAD sent.
    /// </summary>
    public static IReadOnlyList<int> AadstsCodes(string? description)
    {
        if (description is null || !description.StartsWith("AADSTS", StringComparison.Ordinal))
        {
            return [];
        }

        var digits = description.AsSpan(6);
        var length = 0;
        while (length < digits.Length && char.IsAsciiDigit(digits[length]))
        {
            length++;
        }

        // Stryker disable once Equality : no digits parse as no integer, so length 0 gives [] either way
        return length > 0 && int.TryParse(digits[..length], out var code) ? [code] : [];
    }

    private static string? ValueAfter(string? description, string label)
    {
        if (description is null)
        {
            return null;
        }

        var start = description.LastIndexOf(label, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        // Skip the blanks on the label's own line only: an empty value ("Trace ID: \r\nCorrelation ID: c", or
        // "Trace ID:  Correlation ID: c") is absent, never the next label.
        var rest = description.AsSpan(start + label.Length).TrimStart([' ', '\t']);
        if (rest.StartsWith(TraceLabel, StringComparison.Ordinal) || rest.StartsWith(CorrelationLabel, StringComparison.Ordinal) ||
            rest.StartsWith(TimestampLabel, StringComparison.Ordinal))
        {
            return null;
        }

        var end = rest.IndexOfAny([' ', '\r', '\n', '\t']);
        var value = (end >= 0 ? rest[..end] : rest).ToString();
        return value.Length == 0 ? null : value;
    }
}
