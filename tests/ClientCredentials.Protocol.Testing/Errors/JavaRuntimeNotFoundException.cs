namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// No <c>java</c> executable was found at the configured path, under <c>JAVA_HOME</c>, or on <c>PATH</c>.
/// Fix: install Java 17 or newer (<c>apt-get install openjdk-17-jre-headless</c>) or set <c>JAVA_HOME</c>.
/// </summary>
public sealed class JavaRuntimeNotFoundException : WireMockHarnessException
{
    /// <summary>Creates the exception naming the places that were searched.</summary>
    public JavaRuntimeNotFoundException(string message)
        : base(message)
    {
    }
}
