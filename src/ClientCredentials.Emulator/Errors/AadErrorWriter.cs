using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ClientCredentials.Emulator.Errors;

/// <summary>
/// Writes an <see cref="AadError"/> as AAD does: <c>error</c>, <c>error_description</c>
/// (<c>AADSTS{code}: {message} Trace ID: {guid} Correlation ID: {guid} Timestamp: {yyyy-MM-dd HH:mm:ssZ}</c>),
/// <c>error_codes</c>, <c>timestamp</c>, <c>trace_id</c>, <c>correlation_id</c> and <c>error_uri</c>.
/// </summary>
internal sealed class AadErrorWriter(TimeProvider timeProvider)
{
    public async Task WriteAsync(HttpContext context, AadError error, string baseAddress, CancellationToken cancellationToken)
    {
        var traceId = Guid.NewGuid().ToString("D");
        var correlationId = RequestCorrelation.CorrelationId(context);
        var timestamp = timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var description = $"AADSTS{error.Code}: {error.Message} Trace ID: {traceId} Correlation ID: {correlationId} Timestamp: {timestamp}";

        var response = context.Response;
        response.StatusCode = error.StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers["x-ms-request-id"] = traceId;
        if (error.RetryAfterSeconds is { } retryAfter)
        {
            response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        RequestCorrelation.EchoClientRequestId(context);

        await using var writer = new Utf8JsonWriter(response.Body);
        writer.WriteStartObject();
        writer.WriteString("error", error.Error);
        writer.WriteString("error_description", description);
        writer.WriteStartArray("error_codes");
        writer.WriteNumberValue(error.Code);
        writer.WriteEndArray();
        writer.WriteString("timestamp", timestamp);
        writer.WriteString("trace_id", traceId);
        writer.WriteString("correlation_id", correlationId);
        writer.WriteString("error_uri", $"{baseAddress}/error?code={error.Code}");
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
