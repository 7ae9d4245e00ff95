using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ClientCredentials.Protocol.Testing;

/// <summary>One request a <see cref="ReplayEndpoint"/> received: method, path, decoded query, headers and body.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, string Body, string? Host)
{
    /// <summary>A header's value, or null (names compare case-insensitively).</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>One recorded answer: status, headers and body text (sent byte for byte as UTF-8).</summary>
public sealed record RecordedResponse(int Status, IReadOnlyDictionary<string, string>? Headers = null, string Body = "");

/// <summary>
/// A Kestrel listener on 127.0.0.1 (plain HTTP, or HTTPS with a given certificate) that answers requests with recorded
/// responses in order — the last one keeps answering — and records every request. For managed identity endpoints,
/// which are plain local HTTP services (App Service, Arc, Cloud Shell, IMDS) or HTTPS with a self-signed certificate
/// (Service Fabric).
/// </summary>
public sealed class ReplayEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly object _gate = new();
    private IReadOnlyList<RecordedResponse> _responses = [];
    private int _next;

    private ReplayEndpoint(WebApplication app) => _app = app;

    /// <summary><c>http(s)://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<ReceivedRequest> Requests => _requests.ToArray();

    /// <summary>Signalled each time a request arrives (tests wait on it instead of sleeping).</summary>
    public SemaphoreSlim RequestArrived { get; } = new(0);

    /// <summary>Replaces the answers; the sequence starts over.</summary>
    public void Play(params RecordedResponse[] responses)
    {
        lock (_gate)
        {
            _responses = responses;
            _next = 0;
        }
    }

    /// <summary>Starts listening on 127.0.0.1 (HTTPS when <paramref name="certificate"/> is given) on a free port.</summary>
    public static async Task<ReplayEndpoint> StartAsync(X509Certificate2? certificate = null, IPAddress? address = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address ?? IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var endpoint = new ReplayEndpoint(app);
        app.Run(endpoint.AnswerAsync);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        endpoint.BaseAddress = new Uri($"{(certificate is null ? "http" : "https")}://{(address ?? IPAddress.Loopback)}:{bound.Port}/");
        return endpoint;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path.Value ?? string.Empty, query, headers, body, context.Request.Host.Value));
        RecordedResponse? response;
        lock (_gate)
        {
            response = _responses.Count == 0 ? null : _responses[Math.Min(_next, _responses.Count - 1)];
            _next++;
        }

        RequestArrived.Release();
        if (response is null)
        {
            context.Response.StatusCode = StatusCodes.Status501NotImplemented;
            return;
        }

        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.Body.WriteAsync(System.Text.Encoding.UTF8.GetBytes(response.Body), context.RequestAborted);
    }

    /// <summary>Stops the listener.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        RequestArrived.Dispose();
    }
}
