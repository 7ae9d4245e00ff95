namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// Base type of every error the WireMock test harness raises itself: a missing prerequisite, a server that did
/// not start, or an admin API call that WireMock refused. The message always says what to fix.
/// </summary>
public abstract class WireMockHarnessException : Exception
{
    /// <summary>Creates the exception with a message that says what went wrong and how to fix it.</summary>
    protected WireMockHarnessException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
