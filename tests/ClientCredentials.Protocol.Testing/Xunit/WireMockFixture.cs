using Xunit;

namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// xunit fixture that hands out the test run's single shared <see cref="WireMockServer"/> (started lazily on first use,
/// stopped when the test host exits) and a fresh <see cref="WireMockTestScope"/> per test.
/// </summary>
/// <remarks>
/// <para>
/// Parallel-friendly use (preferred): each test class takes the fixture as a class fixture, and each test works in its
/// own scope, so classes run in parallel against the one server without seeing each other's stubs or requests:
/// </para>
/// <code>
/// public sealed class RetryTests(WireMockFixture wireMock) : IClassFixture&lt;WireMockFixture&gt;, IAsyncLifetime
/// {
///     private readonly WireMockTestScope scope = wireMock.CreateScope();
///     public Task InitializeAsync() =&gt; Task.CompletedTask;
///     public Task DisposeAsync() =&gt; scope.DisposeAsync().AsTask();   // removes this test's stubs and journal entries
/// }
/// </code>
/// <para>
/// A collection fixture works too: declare <c>[CollectionDefinition("WireMock")] public sealed class WireMockCollection
/// : ICollectionFixture&lt;WireMockFixture&gt;;</c> once in the test project and mark classes <c>[Collection("WireMock")]</c>.
/// Those classes then run one after another; only they may call <see cref="WireMockServer.ResetAsync"/> or stub paths
/// outside a scope (for example IMDS's fixed <c>/metadata/instance/compute</c>), and only if no other class stubs the
/// same paths.
/// </para>
/// </remarks>
public sealed class WireMockFixture : IAsyncLifetime
{
    private WireMockServer? _server;

    /// <summary>The shared server. Available once xunit has initialized the fixture.</summary>
    /// <exception cref="InvalidOperationException">Used before <see cref="InitializeAsync"/> completed.</exception>
    public WireMockServer Server =>
        _server ?? throw new InvalidOperationException($"{nameof(WireMockFixture)} is not initialized; take it as an xunit class or collection fixture.");

    /// <summary>Starts a scope for one test: a unique URL prefix, scenario names and cleanup of its own stubs and requests.</summary>
    public WireMockTestScope CreateScope() => new(Server);

    /// <summary>Starts the shared server if this is the first fixture of the run, or waits for it.</summary>
    public async Task InitializeAsync() => _server = await SharedWireMockServer.GetAsync().ConfigureAwait(false);

    /// <summary>Leaves the shared server running for the other test classes; it stops when the test host exits.</summary>
    public Task DisposeAsync() => Task.CompletedTask;
}
