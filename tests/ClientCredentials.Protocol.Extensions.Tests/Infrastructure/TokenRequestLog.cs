using System.Collections.Concurrent;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace ClientCredentials.Protocol.Extensions.Tests.Infrastructure;

/// <summary>Every token request the clients sent, as form fields; filled by <see cref="TokenRequestRecorder"/>.</summary>
public sealed class TokenRequestLog
{
    private readonly ConcurrentQueue<Dictionary<string, StringValues>> _requests = new();

    public IReadOnlyList<Dictionary<string, StringValues>> Requests => _requests.ToArray();

    public int Count => _requests.Count;

    public void Add(string form) => _requests.Enqueue(QueryHelpers.ParseQuery(form));
}

/// <summary>Sits on the token endpoint HttpClient and records each request body before it is sent.</summary>
public sealed class TokenRequestRecorder(TokenRequestLog log) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        log.Add(request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
