namespace ClientCredentials.Protocol.Extensions.Http;

/// <summary>
/// Decides, before a request is sent, whether its body can be sent a second time after a 401. No body, byte-array
/// and memory contents (string, form, JSON) can; a body of known length up to <see cref="MaxBufferedBytes"/> is
/// buffered first so that it can; a stream of unknown or larger length cannot, and its 401 is returned as is.
/// </summary>
internal static class RequestBodyReplay
{
    /// <summary>The largest body buffered up front to make it resendable: 64 KiB.</summary>
    public const long MaxBufferedBytes = 64 * 1024;

    public static async ValueTask<bool> PrepareAsync(HttpContent? content, CancellationToken cancellationToken)
    {
        if (content is null || IsReplayable(content))
        {
            return true;
        }

        if (content.Headers.ContentLength is { } length && length <= MaxBufferedBytes)
        {
#if NET9_0_OR_GREATER
            await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
#else
            // net8 has no cancellable overload: stop waiting on cancellation (the buffering itself then runs on).
            await content.LoadIntoBufferAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
#endif
            return true;
        }

        return false;
    }

    private static bool IsReplayable(HttpContent content) => content switch
    {
        ByteArrayContent or ReadOnlyMemoryContent or System.Net.Http.Json.JsonContent => true,
        MultipartContent multipart => multipart.All(IsReplayable),
        _ => false,
    };
}
