using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using WireMock;

namespace ClientCredentials.Protocol.Testing;

/// <summary>One request as the WireMock.Net server received it: what the client under test actually put on the wire.</summary>
public sealed class WireMockRecordedRequest
{
    private const string FormContentType = "application/x-www-form-urlencoded";

    private WireMockRecordedRequest(
        string method, string url, Uri absoluteUrl, IReadOnlyDictionary<string, IReadOnlyList<string>> headers, string body, DateTimeOffset loggedAt)
    {
        Method = method;
        Url = url;
        AbsoluteUrl = absoluteUrl;
        Headers = headers;
        Body = body;
        LoggedAt = loggedAt;
    }

    /// <summary>The HTTP method, upper case (<c>POST</c>).</summary>
    public string Method { get; }

    /// <summary>Path and query as sent (<c>/tenant/oauth2/v2.0/token?x=1</c>).</summary>
    public string Url { get; }

    /// <summary>The full URL including scheme, host and port.</summary>
    public Uri AbsoluteUrl { get; }

    /// <summary>Request headers by name, compared case-insensitively; a header sent more than once has several values.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; }

    /// <summary>The request body decoded as text (empty when there was none).</summary>
    public string Body { get; }

    /// <summary>When the server received the request (the system clock).</summary>
    public DateTimeOffset LoggedAt { get; }

    /// <summary>The header's values joined with <c>", "</c>, or null when the request did not carry it.</summary>
    public string? GetHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Headers.TryGetValue(name, out var values) ? string.Join(", ", values) : null;
    }

    /// <summary>
    /// Parses the body as <c>application/x-www-form-urlencoded</c> (RFC 6749 §4.4.2 token requests), keeping field order.
    /// </summary>
    /// <exception cref="InvalidOperationException">The request's <c>Content-Type</c> is not form-urlencoded.</exception>
    public FormUrlEncodedBody ReadForm()
    {
        var contentType = GetHeader("Content-Type");
        if (contentType is null || !contentType.StartsWith(FormContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"{Method} {Url} has Content-Type '{contentType ?? "(none)"}', not {FormContentType}; read {nameof(Body)} instead.");
        }

        return FormUrlEncodedBody.Parse(Body);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Url}";

    /// <summary>Copies a request as it arrives at the server, with its body already read.</summary>
    internal static WireMockRecordedRequest From(HttpRequest request, string body, DateTimeOffset receivedAt)
    {
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = [.. values.OfType<string>()];
        }

        var url = new Uri(request.GetEncodedUrl());
        return new WireMockRecordedRequest(request.Method, url.PathAndQuery, url, headers, body, receivedAt);
    }

    /// <summary>Copies a request from WireMock.Net's log.</summary>
    internal static WireMockRecordedRequest From(IRequestMessage request)
    {
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers ?? new Dictionary<string, WireMock.Types.WireMockList<string>>())
        {
            headers[name] = [.. values];
        }

        var url = new Uri(request.Url);
        return new WireMockRecordedRequest(
            request.Method,
            url.PathAndQuery,
            url,
            headers,
            request.Body ?? string.Empty,
            new DateTimeOffset(DateTime.SpecifyKind(request.DateTime, DateTimeKind.Utc)));
    }
}
