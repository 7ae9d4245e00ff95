namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// The WireMock standalone jar was not found: neither at an explicit path, nor under
/// <c>tests/wiremock/node_modules/wiremock/build/</c> of this repository.
/// Fix: run <c>npm ci</c> in <c>tests/wiremock</c>, or set <c>WIREMOCK_JAR</c> to an existing jar.
/// </summary>
public sealed class WireMockJarNotFoundException : WireMockHarnessException
{
    /// <summary>Creates the exception naming the places that were searched.</summary>
    public WireMockJarNotFoundException(string message)
        : base(message)
    {
    }
}
