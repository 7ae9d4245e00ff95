using System.Collections.Concurrent;

namespace ClientCredentials.Protocol.Tests.Infrastructure;

/// <summary>
/// An in-memory <see cref="HttpMessageHandler"/>: <c>answer</c> gives the response to each request (or throws, as a
/// network failure would). Requests for which <see cref="Hold"/> is true are answered only when the test calls
/// <see cref="ReleaseNext"/>, on the test's thread, so that the caller's code is suspended at that point; the others are
/// answered at once with a completed task. Nothing goes to the network.
/// </summary>
internal sealed class ScriptedHttpHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
{
    private readonly ConcurrentQueue<HttpRequestMessage> _requests = new();
    private readonly ConcurrentQueue<Action> _held = new();

    /// <summary>Which requests wait for <see cref="ReleaseNext"/>; none by default.</summary>
    public Func<HttpRequestMessage, bool> Hold { get; init; } = _ => false;

    /// <summary>The URI of every request, in order.</summary>
    public IReadOnlyList<Uri> Requests => [.. _requests.Select(r => r.RequestUri!)];

    /// <summary>Answers the oldest held operation (a continuation that captured no context runs on the calling thread); false when none is held.</summary>
    public bool ReleaseNext()
    {
        if (!_held.TryDequeue(out var release))
        {
            return false;
        }

        release();
        return true;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _requests.Enqueue(request);
        if (!Hold(request))
        {
            try
            {
                return Task.FromResult(Answer(request));
            }
            catch (Exception ex)
            {
                return Task.FromException<HttpResponseMessage>(ex);
            }
        }

        return Later(() => Answer(request));
    }

    /// <summary>A task that completes with <paramref name="result"/> (or its exception) when <see cref="ReleaseNext"/> reaches it.</summary>
    public Task<T> Later<T>(Func<T> result)
    {
        var held = new TaskCompletionSource<T>();
        _held.Enqueue(() =>
        {
            try
            {
                held.SetResult(result());
            }
            catch (Exception ex)
            {
                held.SetException(ex);
            }
        });
        return held.Task;
    }

    private HttpResponseMessage Answer(HttpRequestMessage request)
    {
        var response = answer(request);
        response.RequestMessage ??= request;
        return response;
    }

    /// <summary>A JSON response with <paramref name="status"/>, <paramref name="json"/> and extra headers.</summary>
    public static HttpResponseMessage Json(int status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage((System.Net.HttpStatusCode)status) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    /// <summary>A 200 token response for <paramref name="token"/>.</summary>
    public static HttpResponseMessage Token(string token) => Json(200, $$"""{"token_type":"Bearer","expires_in":3599,"access_token":"{{token}}"}""");
}
