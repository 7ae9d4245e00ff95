using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ClientCredentials.Protocol.Extensions.Tests.Infrastructure;

/// <summary>A protected API on Kestrel at 127.0.0.1: records every call and answers from a script, else 200.</summary>
public sealed class TestApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ApiReply> _script = new();
    private readonly ConcurrentQueue<ApiCall> _calls = new();

    private TestApi(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<ApiCall> Calls => _calls.ToArray();

    public static async Task<TestApi> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var api = new TestApi(app);
        app.Run(api.HandleAsync);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        api.BaseAddress = new Uri($"http://127.0.0.1:{new Uri(address).Port}/");
        return api;
    }

    /// <summary>Forgets earlier calls and script; the next calls get <paramref name="replies"/> in order, then 200.</summary>
    public void Reset(params ApiReply[] replies)
    {
        _calls.Clear();
        _script.Clear();
        foreach (var reply in replies)
        {
            _script.Enqueue(reply);
        }
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
        var authorization = context.Request.Headers.Authorization.ToString();
        _calls.Enqueue(new ApiCall(context.Request.Method, context.Request.Path, authorization.Length == 0 ? null : authorization, body));
        if (_script.TryDequeue(out var reply))
        {
            context.Response.StatusCode = reply.StatusCode;
            if (reply.WwwAuthenticate is { } challenge)
            {
                context.Response.Headers.WWWAuthenticate = challenge;
            }

            return;
        }

        context.Response.StatusCode = 200;
        await context.Response.WriteAsync("ok", context.RequestAborted);
    }
}

public sealed record ApiCall(string Method, string Path, string? Authorization, string Body)
{
    public string? BearerToken => Authorization is { } a && a.StartsWith("Bearer ", StringComparison.Ordinal) ? a["Bearer ".Length..] : null;
}

public sealed record ApiReply(int StatusCode, string? WwwAuthenticate = null)
{
    public static ApiReply Unauthorized(string? challenge = "Bearer error=\"invalid_token\"") => new(401, challenge);
}
