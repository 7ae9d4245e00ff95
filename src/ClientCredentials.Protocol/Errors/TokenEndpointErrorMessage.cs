using System.Globalization;
using System.Text;

namespace ClientCredentials.Protocol;

/// <summary>
/// Builds the one-paragraph message of a <see cref="TokenEndpointException"/>. Everything the server sent passes
/// through <see cref="UntrustedText"/> and is capped (the description's human part at 1,024 characters, at most 10
/// error codes, ids at 128), so a hostile or broken server can neither inject lines or terminal escapes nor make the
/// message large.
/// </summary>
internal static class TokenEndpointErrorMessage
{
    /// <summary>Longest <c>error</c> code quoted.</summary>
    internal const int MaxErrorLength = 128;

    /// <summary>Longest human part of <c>error_description</c> quoted.</summary>
    internal const int MaxDescriptionLength = 1024;

    /// <summary>Longest <c>trace_id</c>, <c>correlation_id</c> or similar id quoted.</summary>
    internal const int MaxIdLength = 128;

    /// <summary>Most <c>error_codes</c> listed.</summary>
    internal const int MaxErrorCodes = 10;

    /// <summary>The message; <paramref name="subject"/> names who answered ("The token endpoint" by default).</summary>
    public static string Format(TokenEndpointError error, string subject = "The token endpoint")
    {
        var text = new StringBuilder();
        text.Append(subject).Append(" answered HTTP ").Append((int)error.StatusCode).Append(' ').Append(UntrustedText.Neutralize(error.Error, MaxErrorLength));
        if (error.ErrorCodes.Count > 0)
        {
            text.Append(" (AADSTS").Append(UntrustedText.JoinCapped(", AADSTS", error.ErrorCodes, MaxErrorCodes)).Append(')');
        }

        var summary = error.ErrorSummary;
        if (summary is not null)
        {
            text.Append(": ").Append(UntrustedText.Neutralize(summary, MaxDescriptionLength));
        }

        if (error.ResponseSnippet is not null)
        {
            text.Append(" The server sent: \"").Append(UntrustedText.Neutralize(error.ResponseSnippet, ResponseExcerpt.MaxChars)).Append('"');
        }

        if (error.Remedy is not null)
        {
            text.Append(" Fix: ").Append(error.Remedy);
        }

        if (error.RetryAfter is { } wait)
        {
            text.Append(" Retry after ").Append(Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture)).Append(" s.");
        }

        if (error.TraceId is not null || error.CorrelationId is not null)
        {
            text.Append(" (trace_id ").Append(UntrustedText.Neutralize(error.TraceId, MaxIdLength) ?? "-")
                .Append(", correlation_id ").Append(UntrustedText.Neutralize(error.CorrelationId, MaxIdLength) ?? "-").Append(')');
        }

        return text.ToString();
    }
}
