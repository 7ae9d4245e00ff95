namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// How <see cref="WireMockServer.StartAsync"/> finds and runs WireMock. Every property has a working default;
/// set one only to override discovery or tuning.
/// </summary>
public sealed record WireMockServerOptions
{
    /// <summary>Environment variable that names the jar when <see cref="JarPath"/> is not set.</summary>
    public const string JarPathEnvironmentVariable = "WIREMOCK_JAR";

    /// <summary>
    /// Path of the <c>wiremock-standalone-*.jar</c>. Default: <c>WIREMOCK_JAR</c>, else the jar npm installs in
    /// <c>tests/wiremock/node_modules/wiremock/build/</c>, found by walking up from the test binaries.
    /// </summary>
    public string? JarPath { get; init; }

    /// <summary>Path of the <c>java</c> executable. Default: <c>JAVA_HOME/bin/java</c>, else <c>java</c> on <c>PATH</c>.</summary>
    public string? JavaPath { get; init; }

    /// <summary>How long to wait for <c>GET /__admin/health</c> to answer before giving up. Default 120 s: a JVM starting beside a parallel build on 2 cores can take far longer than its usual 2 s.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Jetty worker threads. Each in-flight stub response holds one, so the default (100) serves 32+ concurrent
    /// clients with room for Jetty's acceptor and selector threads.
    /// </summary>
    public int ContainerThreads { get; init; } = 100;

    /// <summary>Extra WireMock command-line arguments appended after the harness's own (for example <c>--verbose</c>).</summary>
    public IReadOnlyList<string> AdditionalArguments { get; init; } = [];
}
