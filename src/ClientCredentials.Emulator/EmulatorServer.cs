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
    private readonly FaultInjector _regionalFaultInjector;
    private readonly EmulatorAddress _address;
    private readonly ILogger _logger;
    private readonly object _registrationGate = new();
    private DirectorySnapshot _directory;
    private int _disposed;

    private EmulatorServer(WebApplication application, EmulatorSigningKey signingKey, FaultInjector faultInjector, FaultInjector regionalFaultInjector, DirectorySnapshot directory, EmulatorAddress address, ILogger logger)
    {
        _application = application;
        _signingKey = signingKey;
        _faultInjector = faultInjector;
        _regionalFaultInjector = regionalFaultInjector;
        _directory = directory;
        _address = address;
        _logger = logger;
    }

    /// <summary>The root of every endpoint, e.g. <c>http://127.0.0.1:50123/</c>; use it as the authority host.</summary>
    public Uri BaseAddress => new($"{_address.Root}/");

    /// <summary>
    /// The regional alias's root (<see cref="EmulatorServerSettings.RegionalAlias"/>), e.g. <c>http://127.0.0.2:50124/</c>;
    /// null when none was asked for.
    /// </summary>
    public Uri? RegionalBaseAddress { get; private set; }

    /// <summary>
    /// The IMDS base URL of the emulated Azure resource (its managed identity endpoint
    /// <c>/metadata/identity/oauth2/token</c> lives under it): give it as <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c> or
    /// as a client's IMDS endpoint override.
    /// </summary>
    public Uri ImdsBaseAddress => BaseAddress;

    /// <summary>The App Service managed identity endpoint, for <c>IDENTITY_ENDPOINT</c>: <c>{base}/msi/token</c>.</summary>
    public Uri AppServiceIdentityEndpoint => new($"{_address.Root}{EmulatorUrls.AppServiceTokenRoute}");

    /// <summary>The value the App Service endpoint expects in <c>X-IDENTITY-HEADER</c>, for <c>IDENTITY_HEADER</c>.</summary>
    public string AppServiceIdentityHeader { get; private set; } = string.Empty;

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
        if (settings.RegionalAlias is { } alias && (!IPAddress.IsLoopback(alias) || alias.Equals(IPAddress.Loopback)))
        {
            throw new EmulatorConfigurationException($"The regional alias {alias} must be a loopback address other than 127.0.0.1 (for example 127.0.0.2).");
        }

        // A private copy, so that setting an options member later cannot change a running server behind the validator.
        options = options with { Faults = options.Faults with { } };

        var timeProvider = settings.TimeProvider ?? TimeProvider.System;
        var loggerFactory = settings.LoggerFactory ?? NullLoggerFactory.Instance;

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(EmulatorServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, settings.Port);
            if (settings.RegionalAlias is { } regional)
            {
                kestrel.Listen(regional, 0);
            }
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging();
        builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        var app = builder.Build();

        var logger = loggerFactory.CreateLogger("ClientCredentials.Emulator");
        var address = new EmulatorAddress();
        var server = new EmulatorServer(app, new EmulatorSigningKey(timeProvider), new FaultInjector(timeProvider), new FaultInjector(timeProvider), snapshot, address, logger)
        {
            AppServiceIdentityHeader = options.AppServiceIdentityHeader ?? Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
        };
        server._faultInjector.Reset(options.Faults);
        server.MapEndpoints(options, timeProvider, settings.RegionalAlias);
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

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.Select(a => new Uri(a)).ToList()
            ?? throw new InvalidOperationException("Kestrel started without reporting its address.");
        var bound = addresses.First(a => a.Host == "127.0.0.1");
        address.Set($"http://127.0.0.1:{bound.Port}");
        if (settings.RegionalAlias is { } aliasAddress)
        {
            var regionalBound = addresses.First(a => a.Host == aliasAddress.ToString());
            server.RegionalBaseAddress = new Uri($"http://{aliasAddress}:{regionalBound.Port}/");
        }

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
        _faultInjector.Reset(faults with { });
    }

    /// <summary>Replaces the faults of the regional alias only (the main address keeps its own); their sequence starts over.</summary>
    /// <exception cref="EmulatorConfigurationException">The faults are invalid.</exception>
    public void SetRegionalFaults(EmulatorFaults faults)
    {
        EmulatorOptionsValidator.ValidateFaults(faults);
        _regionalFaultInjector.Reset(faults with { });
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

    private void MapEndpoints(EmulatorOptions options, TimeProvider timeProvider, IPAddress? regionalAlias)
    {
        var errorWriter = new AadErrorWriter(timeProvider);
        var replayCache = new AssertionReplayCache(timeProvider);
        var processor = new TokenRequestProcessor(
            CurrentDirectory,
            new ClientSecretVerifier(timeProvider),
            new CertificateAssertionValidator(replayCache, timeProvider, options),
            new FederatedAssertionValidator(timeProvider, options, _signingKey, _address),
            new AccessTokenIssuer(_signingKey, timeProvider, options));
        bool OnRegionalAlias(HttpContext context) => regionalAlias is not null && regionalAlias.Equals(context.Connection.LocalIpAddress);
        var tokenEndpoint = new TokenEndpoint(
            processor,
            context => OnRegionalAlias(context) ? _regionalFaultInjector : _faultInjector,
            context => OnRegionalAlias(context) ? RegionalBaseAddress?.GetLeftPart(UriPartial.Authority) : null,
            errorWriter,
            _address,
            _logger);
        var managedIdentity = new ManagedIdentityEndpoints(CurrentDirectory, new AccessTokenIssuer(_signingKey, timeProvider, options), errorWriter, _address, AppServiceIdentityHeader, _logger);
        var discovery = new DiscoveryEndpoints(CurrentDirectory, _signingKey, errorWriter, _address);
        var whoAmI = new WhoAmIEndpoint(options.ProtectedApi, CurrentDirectory, _signingKey, timeProvider, options, _address, _logger);

        _application.MapMethods(EmulatorUrls.V2TokenRoute, [HttpMethods.Post], (RequestDelegate)(context => tokenEndpoint.HandleAsync(context, TokenEndpointVersion.V2)));
        _application.MapMethods(EmulatorUrls.V1TokenRoute, [HttpMethods.Post], (RequestDelegate)(context => tokenEndpoint.HandleAsync(context, TokenEndpointVersion.V1)));
        _application.MapMethods(EmulatorUrls.DiscoveryRoute, [HttpMethods.Get], (RequestDelegate)discovery.OpenIdConfigurationAsync);
        _application.MapMethods(EmulatorUrls.KeysRoute, [HttpMethods.Get], (RequestDelegate)discovery.KeysAsync);
        _application.MapMethods(EmulatorUrls.WhoAmIRoute, [HttpMethods.Get], (RequestDelegate)whoAmI.HandleAsync);
        _application.MapMethods(EmulatorUrls.ImdsTokenRoute, [HttpMethods.Get], (RequestDelegate)managedIdentity.ImdsAsync);
        _application.MapMethods(EmulatorUrls.AppServiceTokenRoute, [HttpMethods.Get], (RequestDelegate)managedIdentity.AppServiceAsync);
    }
}
