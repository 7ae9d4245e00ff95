using System.ComponentModel;
using System.Diagnostics;
using System.Net.Security;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using ClientCredentials.Protocol;

namespace ClientCredentials.Interop.Tests.Infrastructure;

/// <summary>
/// Starts <c>oidc-provider/server.mjs</c> with Node.js once per test run (free loopback ports chosen by the server,
/// start-up bounded to 60 s), and stops it at the end by closing its standard input. A missing <c>node</c> or a missing
/// <c>npm ci</c> is a clear error, never a skipped test.
/// </summary>
public sealed class OidcProviderFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    private readonly StringBuilder _serverErrors = new();
    private Process? _node;
    private string? _configurationDirectory;

    public InteropClients Clients { get; } = new();

    /// <summary>The provider's issuer (it has a path, <c>/as</c>).</summary>
    public Uri Issuer { get; private set; } = null!;

    /// <summary>Scheme, host and port of the https listener that asks for client certificates.</summary>
    public Uri MtlsBase { get; private set; } = null!;

    /// <summary>The protected resource on the plain http listener.</summary>
    public Uri Api => new(new Uri(Issuer.GetLeftPart(UriPartial.Authority)), "/api");

    /// <summary>The protected resource on the https listener.</summary>
    public Uri MtlsApi => new(MtlsBase, "/api");

    public static string ServerDirectory =>
        typeof(OidcProviderFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "OidcProviderDirectory").Value!;

    public async Task InitializeAsync()
    {
        var directory = ServerDirectory;
        if (!File.Exists(Path.Combine(directory, "node_modules", "oidc-provider", "package.json")))
        {
            throw new InvalidOperationException($"oidc-provider is not installed: run 'npm ci' in {directory} (eng/test.sh and .ci/run do this when node_modules is missing).");
        }

        _configurationDirectory = Directory.CreateTempSubdirectory("cc-interop-").FullName;
        var configuration = Path.Combine(_configurationDirectory, "server.json");
        await File.WriteAllTextAsync(configuration, Clients.ServerConfiguration().ToJsonString());

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("server.mjs");
        start.ArgumentList.Add(configuration);
        try
        {
            _node = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("Node.js ('node', version 20 or later) is not on PATH; the interop tests run oidc-provider with it.", ex);
        }

        _node.ErrorDataReceived += (_, line) =>
        {
            lock (_serverErrors)
            {
                _serverErrors.AppendLine(line.Data);
            }
        };
        _node.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(StartupTimeout);
        string? ready;
        try
        {
            ready = await _node.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"oidc-provider did not report that it listens within {StartupTimeout.TotalSeconds} s. Its errors:\n{ServerErrors}");
        }

        if (ready is null)
        {
            await _node.WaitForExitAsync(CancellationToken.None);
            throw new InvalidOperationException($"oidc-provider exited with code {_node.ExitCode} before listening. Its errors:\n{ServerErrors}");
        }

        using var document = JsonDocument.Parse(ready);
        Issuer = new Uri(document.RootElement.GetProperty("issuer").GetString()!);
        MtlsBase = new Uri(document.RootElement.GetProperty("mtls").GetString()!);
    }

    public async Task DisposeAsync()
    {
        if (_node is { } node)
        {
            node.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await node.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                node.Kill();
            }

            node.Dispose();
        }

        if (_configurationDirectory is not null)
        {
            Directory.Delete(_configurationDirectory, recursive: true);
        }

        Clients.Dispose();
    }

    public string ServerErrors
    {
        get
        {
            lock (_serverErrors)
            {
                return _serverErrors.ToString();
            }
        }
    }

    /// <summary>
    /// An HttpClient for the provider: the library's token endpoint handler (no redirects), trusting the test CA for
    /// the https listener, and presenting <paramref name="clientCertificate"/> there when given.
    /// </summary>
    public HttpClient HttpClient(X509Certificate2? clientCertificate = null)
    {
        var handler = clientCertificate is null ? TokenEndpointHttpHandler.Create() : TokenEndpointHttpHandler.Create(clientCertificate);
        handler.SslOptions.RemoteCertificateValidationCallback = TrustsTestAuthority;
        return new HttpClient(handler);
    }

    /// <summary>The counters the server keeps (token requests, DPoP nonce challenges).</summary>
    public async Task<JsonElement> StatsAsync()
    {
        using var http = new HttpClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(Api, "/_stats")));
        return document.RootElement.Clone();
    }

    private bool TrustsTestAuthority(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(Clients.CertificateAuthority);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(presented) && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
    }
}

[CollectionDefinition(Name)]
public sealed class OidcProviderCollection : ICollectionFixture<OidcProviderFixture>
{
    public const string Name = "oidc-provider";
}
