using System.Collections.Concurrent;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace ClientCredentials.Protocol.Extensions.Tests.Infrastructure;

/// <summary>Every token request the clients sent, as form fields; filled by <see cref="TokenRequestRecorder"/>.</summary>
public sealed class TokenRequestLog
{
    private readonly ConcurrentQueue<Dictionary<string, StringValues>> _requests = new();
    private readonly ConcurrentQueue<string> _paths = new();

    public IReadOnlyList<Dictionary<string, StringValues>> Requests => _requests.ToArray();

    /// <summary>The path each request was posted to, in order.</summary>
    public IReadOnlyList<string> Paths => _paths.ToArray();

    public int Count => _requests.Count;

    public void Add(string form, string path = "")
    {
        _paths.Enqueue(path);
        _requests.Enqueue(QueryHelpers.ParseQuery(form));
    }
}

/// <summary>Sits on the token endpoint HttpClient and records each request body before it is sent.</summary>
public sealed class TokenRequestRecorder(TokenRequestLog log) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        log.Add(request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken), request.RequestUri?.AbsolutePath ?? string.Empty);
        return await base.SendAsync(request, cancellationToken);
    }
}
