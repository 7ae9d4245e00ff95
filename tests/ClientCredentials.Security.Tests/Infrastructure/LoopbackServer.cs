using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ClientCredentials.Security.Tests.Infrastructure;

/// <summary>
/// A hostile (or merely scripted) HTTP server on a real loopback socket: Kestrel bound to <see cref="First"/>
/// (127.0.0.1) or <see cref="Second"/> (127.0.0.2), which stand in for two different hosts. Records every request
/// (method, path, headers, body) and answers with the current <see cref="Reply"/>.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    /// <summary>The host the client is configured for.</summary>
    public static readonly IPAddress First = IPAddress.Loopback;

    /// <summary>Another host, that nobody configured.</summary>
    public static readonly IPAddress Second = IPAddress.Parse("127.0.0.2");

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private LoopbackServer(WebApplication app, Func<HttpContext, Task> reply)
    {
        _app = app;
        Reply = reply;
    }

    /// <summary><c>http://{address}:{port}/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>How the next requests are answered.</summary>
    public Func<HttpContext, Task> Reply { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public Uri Url(string path) => new(BaseAddress, path);

    public static async Task<LoopbackServer> StartAsync(IPAddress address, Func<HttpContext, Task> reply)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, 0));
        var app = builder.Build();
        var server = new LoopbackServer(app, reply);
        app.Run(server.HandleAsync);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server.BaseAddress = new Uri($"http://{address}:{bound.Port}/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body));
        await Reply(context);
    }
}

/// <summary>One request as the server received it.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Authorization => Headers.TryGetValue("Authorization", out var value) ? value : null;
}
