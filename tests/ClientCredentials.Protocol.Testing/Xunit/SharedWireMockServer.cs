namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// The one WireMock server of a test run, started on first use and shared by every fixture in the process. It stops
/// when the test host exits (<see cref="WireMockServer"/> kills its process on <see cref="AppDomain.ProcessExit"/>,
/// and the Unix watchdog does so even if the host is killed).
/// </summary>
internal static class SharedWireMockServer
{
    private static readonly Lazy<Task<WireMockServer>> Server =
        new(() => WireMockServer.StartAsync(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared server; a startup failure is cached and rethrown to every caller.</summary>
    public static Task<WireMockServer> GetAsync() => Server.Value;
}
