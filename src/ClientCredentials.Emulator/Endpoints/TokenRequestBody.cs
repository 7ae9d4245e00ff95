using ClientCredentials.Emulator.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace ClientCredentials.Emulator.Endpoints;

/// <summary>
/// Reads a token request's form body with limits of its own, so that an oversized body gets an AAD-shaped error
/// (HTTP 413, <c>invalid_request</c>) instead of Kestrel's bare 413, a reset, or an exception logged as unhandled.
/// A body up to 4 MiB is parsed; a larger one is read and discarded up to 64 MiB, so that the client, which sends its
/// whole body before it reads the answer, still gets that answer; past 64 MiB the connection is closed after it.
/// </summary>
internal static class TokenRequestBody
{
    /// <summary>The largest form parsed: 4 MiB (a certificate assertion with its chain is a few KiB).</summary>
    public const int MaxFormBytes = 4 * 1024 * 1024;

    /// <summary>The most read and discarded to answer an oversized body properly: 64 MiB.</summary>
    public const long MaxDrainBytes = 64L * 1024 * 1024;

    /// <summary>The form fields, or the error to answer.</summary>
    public static async Task<(Dictionary<string, StringValues> Form, AadError? Error)> ReadAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxDrainBytes;
        }

        var request = context.Request;
        if (request.ContentLength is > MaxDrainBytes)
        {
            return ([], TooLarge(request.ContentLength.Value));
        }

        try
        {
            var (body, total) = await ReadBoundedAsync(request.Body, cancellationToken).ConfigureAwait(false);
            if (body is null)
            {
                return ([], TooLarge(total));
            }

            if (!request.HasFormContentType || body.Length == 0)
            {
                return ([], null);
            }

            // Parsed by ASP.NET Core from the bytes already read (url-encoded or multipart, with its form limits).
            request.Body = new MemoryStream(body, writable: false);
            try
            {
                var fields = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
                return (fields.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), null);
            }

            // InvalidDataException: a form over the form limits or badly encoded; IOException: a multipart body that
            // ends before its closing boundary. Either way the client sent a malformed body: 400, not 500.
            catch (Exception ex) when (ex is InvalidDataException or IOException && !cancellationToken.IsCancellationRequested)
            {
                return ([], AadErrors.InvalidRequest("The request body is not a valid form: send application/x-www-form-urlencoded data (RFC 6749 §4.4.2)."));
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ([], TooLarge(MaxDrainBytes + 1));
        }
    }

    /// <summary>Reads up to <see cref="MaxFormBytes"/>; past that, discards up to <see cref="MaxDrainBytes"/> and returns no body.</summary>
    private static async Task<(byte[]? Body, long Total)> ReadBoundedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var kept = new MemoryStream();
        var chunk = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total <= MaxFormBytes)
            {
                kept.Write(chunk, 0, read);
            }
        }

        return (total <= MaxFormBytes ? kept.ToArray() : null, total);
    }

    private static AadError TooLarge(long bytes) => new(
        StatusCodes.Status413PayloadTooLarge,
        "invalid_request",
        90023,
        $"The request body is {(bytes > MaxDrainBytes ? $"over {MaxDrainBytes / (1024 * 1024)} MiB" : $"{bytes} bytes")}; a token request body may hold at most {MaxFormBytes / (1024 * 1024)} MiB.");
}
