using System.Text;

namespace ClientCredentials.Protocol;

/// <summary>Builds the one-paragraph message of a <see cref="TokenEndpointException"/>.</summary>
internal static class TokenEndpointErrorMessage
{
    /// <summary>The message; <paramref name="subject"/> names who answered ("The token endpoint" by default).</summary>
    public static string Format(TokenEndpointError error, string subject = "The token endpoint")
    {
        var text = new StringBuilder();
        text.Append(subject).Append(" answered HTTP ").Append((int)error.StatusCode).Append(' ').Append(error.Error);
        if (error.ErrorCodes.Count > 0)
        {
            text.Append(" (AADSTS").Append(string.Join(", AADSTS", error.ErrorCodes)).Append(')');
        }

        var summary = TokenEndpointErrorDescription.FirstLine(error.ErrorDescription);
        if (summary is not null)
        {
            text.Append(": ").Append(summary);
        }

        if (error.ResponseSnippet is not null)
        {
            text.Append(" The server sent: \"").Append(error.ResponseSnippet).Append('"');
        }

        if (error.Remedy is not null)
        {
            text.Append(" Fix: ").Append(error.Remedy);
        }

        if (error.RetryAfter is { } wait)
        {
            text.Append(" Retry after ").Append(Math.Ceiling(wait.TotalSeconds)).Append(" s.");
        }

        if (error.TraceId is not null || error.CorrelationId is not null)
        {
            text.Append(" (trace_id ").Append(error.TraceId ?? "-").Append(", correlation_id ").Append(error.CorrelationId ?? "-").Append(')');
        }

        return text.ToString();
    }
}
