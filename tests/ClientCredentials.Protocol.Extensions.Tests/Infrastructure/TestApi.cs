using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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

    private TestApi(WebApplication app, X509Certificate2 tlsCertificate)
    {
        _app = app;
        TlsCertificate = tlsCertificate;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The same API over TLS with <see cref="TlsCertificate"/> (Azure.Core sends bearer tokens only over https).</summary>
    public Uri HttpsBaseAddress { get; private set; } = null!;

    /// <summary>The self-signed server certificate for 127.0.0.1; clients pin it by thumbprint.</summary>
    public X509Certificate2 TlsCertificate { get; }

    public IReadOnlyList<ApiCall> Calls => _calls.ToArray();

    public static async Task<TestApi> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        var tls = CreateTlsCertificate();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(tls));
        });
        var app = builder.Build();
        var api = new TestApi(app, tls);
        app.Run(api.HandleAsync);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToArray();
        api.BaseAddress = new Uri($"http://127.0.0.1:{addresses.First(a => a.Scheme == "http").Port}/");
        api.HttpsBaseAddress = new Uri($"https://127.0.0.1:{addresses.First(a => a.Scheme == "https").Port}/");
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
        TlsCertificate.Dispose();
    }

    private static X509Certificate2 CreateTlsCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
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
