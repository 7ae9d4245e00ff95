namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// The WireMock process exited or did not answer <c>GET /__admin/health</c> within the startup timeout.
/// The message carries the tail of the process output (Java's stderr names the cause).
/// </summary>
public sealed class WireMockStartupException : WireMockHarnessException
{
    /// <summary>Creates the exception with the captured process output.</summary>
    public WireMockStartupException(string message, string processOutput, Exception? innerException = null)
        : base(message, innerException)
    {
        ProcessOutput = processOutput;
    }

    /// <summary>The last lines the WireMock process wrote to stdout and stderr.</summary>
    public string ProcessOutput { get; }
}
