using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ClientCredentials.Protocol.Testing;

/// <summary>A Kestrel listener on 127.0.0.1 that records each request (method, path, body) and answers with one fixed reply.</summary>
public sealed class ScriptedEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _requests = new();

    private ScriptedEndpoint(WebApplication app) => _app = app;

    /// <summary>The listener's address, <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>"METHOD /path body" of every request received.</summary>
    public IReadOnlyList<string> Requests => _requests.ToArray();

    /// <summary>Answers every request with <paramref name="reply"/>.</summary>
    public static async Task<ScriptedEndpoint> StartAsync(Func<HttpContext, Task> reply)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var endpoint = new ScriptedEndpoint(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            endpoint._requests.Enqueue($"{context.Request.Method} {context.Request.Path} {body}");
            await reply(context);
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        endpoint.BaseAddress = new Uri($"http://127.0.0.1:{address.Port}/");
        return endpoint;
    }

    /// <summary>Answers every request with <c>307 Temporary Redirect</c> to <paramref name="location"/>.</summary>
    public static Task<ScriptedEndpoint> RedirectingTo(Uri location) => StartAsync(context =>
    {
        context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
        context.Response.Headers.Location = location.AbsoluteUri;
        return Task.CompletedTask;
    });

    /// <summary>Answers every request with a valid token response, as a token endpoint that should never be reached.</summary>
    public static Task<ScriptedEndpoint> IssuingTokens() => StartAsync(context =>
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync("""{"access_token":"captured-by-the-redirect-target","token_type":"Bearer","expires_in":3600}""", context.RequestAborted);
    });

    /// <summary>Stops the listener.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
