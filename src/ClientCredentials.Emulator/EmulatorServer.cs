using System.Net;
using ClientCredentials.Emulator.Directory;
using ClientCredentials.Emulator.Endpoints;
using ClientCredentials.Emulator.Errors;
using ClientCredentials.Emulator.Faults;
using ClientCredentials.Emulator.Signing;
using ClientCredentials.Emulator.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClientCredentials.Emulator;

/// <summary>
/// A running emulator: Kestrel on 127.0.0.1 serving Entra-shaped token endpoints (v2 and v1), OpenID discovery,
/// the JWKS and the sample protected API. It signs tokens with an RSA key generated at start and kept in memory.
/// Dispose it to stop listening.
/// </summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _application;
    private readonly EmulatorSigningKey _signingKey;
    private readonly FaultInjector _faultInjector;
    private readonly EmulatorAddress _address;
    private readonly ILogger _logger;
    private readonly object _registrationGate = new();
    private DirectorySnapshot _directory;
    private int _disposed;

    private EmulatorServer(WebApplication application, EmulatorSigningKey signingKey, FaultInjector faultInjector, DirectorySnapshot directory, EmulatorAddress address, ILogger logger)
    {
        _application = application;
        _signingKey = signingKey;
        _faultInjector = faultInjector;
        _directory = directory;
        _address = address;
        _logger = logger;
    }

    /// <summary>The root of every endpoint, e.g. <c>http://127.0.0.1:50123/</c>; use it as the authority host.</summary>
    public Uri BaseAddress => new($"{_address.Root}/");

    /// <summary>Validates the options, binds Kestrel to 127.0.0.1 on <paramref name="port"/> (0 = a free port) and starts serving.</summary>
    /// <exception cref="EmulatorConfigurationException">The options are invalid.</exception>
    /// <exception cref="IOException">The port cannot be bound.</exception>
    public static Task<EmulatorServer> StartAsync(EmulatorOptions options, int port = 0, CancellationToken cancellationToken = default) =>
        StartAsync(options, new EmulatorServerSettings { Port = port }, cancellationToken);

    /// <summary>Validates the options and starts serving with the given hosting settings (port, logging, clock).</summary>
    /// <exception cref="EmulatorConfigurationException">The options are invalid.</exception>
    /// <exception cref="IOException">The port cannot be bound.</exception>
    public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, EmulatorServerSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.Port, IPEndPoint.MaxPort);

        var snapshot = EmulatorOptionsValidator.Validate(options);
        var timeProvider = settings.TimeProvider ?? TimeProvider.System;
        var loggerFactory = settings.LoggerFactory ?? NullLoggerFactory.Instance;

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(EmulatorServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, settings.Port);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging();
        builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        var app = builder.Build();

        var logger = loggerFactory.CreateLogger("ClientCredentials.Emulator");
        var address = new EmulatorAddress();
        var server = new EmulatorServer(app, new EmulatorSigningKey(timeProvider), new FaultInjector(timeProvider), snapshot, address, logger);
        server._faultInjector.Reset(options.Faults);
        server.MapEndpoints(options, timeProvider);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await server.ReleaseAsync().ConfigureAwait(false);
            throw new IOException($"The emulator cannot listen on 127.0.0.1:{settings.Port}: {ex.Message} Choose another port, or 0 for a free one.", ex);
        }
        catch
        {
            await server.ReleaseAsync().ConfigureAwait(false);
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel started without reporting its address.");
        address.Set($"http://127.0.0.1:{new Uri(bound).Port}");
        EmulatorLog.Started(logger, server.BaseAddress);
        return server;
    }

    /// <summary>The v2 issuer for a tenant (id or domain): <c>{base}/{tenantId}/v2.0</c>.</summary>
    /// <exception cref="ArgumentException">The tenant is not configured.</exception>
    public Uri GetIssuer(string tenant) => new(EmulatorUrls.Issuer(Root, ResolveTenant(tenant).Id));

    /// <summary>The v2 token endpoint for a tenant (id or domain): <c>{base}/{tenantId}/oauth2/v2.0/token</c>.</summary>
    /// <exception cref="ArgumentException">The tenant is not configured.</exception>
    public Uri GetTokenEndpoint(string tenant) => new(EmulatorUrls.V2TokenEndpoint(Root, ResolveTenant(tenant).Id));

    /// <summary>Registers one more client application while running; it can request tokens at once.</summary>
    /// <exception cref="EmulatorConfigurationException">The application is invalid or its client id is taken.</exception>
    public void RegisterApplication(EmulatorApplication application)
    {
        ArgumentNullException.ThrowIfNull(application);
        lock (_registrationGate)
        {
            var current = Volatile.Read(ref _directory);
            var registered = EmulatorOptionsValidator.ValidateApplication(application, current);
            Volatile.Write(ref _directory, current.With(registered));
            EmulatorLog.ApplicationRegistered(_logger, registered.ClientId, registered.Tenant.Id);
        }
    }

    /// <summary>Replaces the fault injection options; their forced-status sequence and random seed start over.</summary>
    /// <exception cref="EmulatorConfigurationException">The faults are invalid.</exception>
    public void SetFaults(EmulatorFaults faults)
    {
        EmulatorOptionsValidator.ValidateFaults(faults);
        _faultInjector.Reset(faults);
    }

    /// <summary>Stops listening (waiting at most 5 seconds for requests in flight) and releases the signing key.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using (var timeout = new CancellationTokenSource(StopTimeout))
        {
            await _application.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await ReleaseAsync().ConfigureAwait(false);
    }

    private string Root => _address.Root;

    private async Task ReleaseAsync()
    {
        await _application.DisposeAsync().ConfigureAwait(false);
        _signingKey.Dispose();
    }

    private DirectorySnapshot CurrentDirectory() => Volatile.Read(ref _directory);

    private Directory.RegisteredTenant ResolveTenant(string tenant)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        return CurrentDirectory().FindTenant(tenant)
            ?? throw new ArgumentException($"Tenant '{tenant}' is not configured in the emulator; use a configured tenant id or domain.", nameof(tenant));
    }

    private void MapEndpoints(EmulatorOptions options, TimeProvider timeProvider)
    {
        var errorWriter = new AadErrorWriter(timeProvider);
        var replayCache = new AssertionReplayCache(timeProvider);
        var processor = new TokenRequestProcessor(
            CurrentDirectory,
            new ClientSecretVerifier(timeProvider),
            new CertificateAssertionValidator(replayCache, timeProvider, options),
            new FederatedAssertionValidator(timeProvider, options),
            new AccessTokenIssuer(_signingKey, timeProvider, options));
        var tokenEndpoint = new TokenEndpoint(processor, _faultInjector, errorWriter, _address, _logger);
        var discovery = new DiscoveryEndpoints(CurrentDirectory, _signingKey, errorWriter, _address);
        var whoAmI = new WhoAmIEndpoint(options.ProtectedApi, CurrentDirectory, _signingKey, timeProvider, options, _address, _logger);

        _application.MapMethods(EmulatorUrls.V2TokenRoute, [HttpMethods.Post], (RequestDelegate)(context => tokenEndpoint.HandleAsync(context, TokenEndpointVersion.V2)));
        _application.MapMethods(EmulatorUrls.V1TokenRoute, [HttpMethods.Post], (RequestDelegate)(context => tokenEndpoint.HandleAsync(context, TokenEndpointVersion.V1)));
        _application.MapMethods(EmulatorUrls.DiscoveryRoute, [HttpMethods.Get], (RequestDelegate)discovery.OpenIdConfigurationAsync);
        _application.MapMethods(EmulatorUrls.KeysRoute, [HttpMethods.Get], (RequestDelegate)discovery.KeysAsync);
        _application.MapMethods(EmulatorUrls.WhoAmIRoute, [HttpMethods.Get], (RequestDelegate)whoAmI.HandleAsync);
    }
}
