using Microsoft.Extensions.Logging;

namespace ClientCredentials.Emulator;

/// <summary>How the emulator is hosted: port, logging and clock. Not part of the JSON configuration.</summary>
public sealed record EmulatorServerSettings
{
    /// <summary>The port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; init; }

    /// <summary>Where log events go (ids and AADSTS codes only, never secrets or tokens); none when null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The clock for token times, assertion checks and secret expiry; the system clock when null.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>
    /// A second loopback address (for example 127.0.0.2) the emulator also listens on, on a port of its own, standing in
    /// for a regional host such as <c>westus.login.microsoft.com</c> (ESTS-R). It serves the same endpoints, accepts
    /// assertions whose <c>aud</c> names it, and has faults of its own (<see cref="EmulatorServer.SetRegionalFaults"/>).
    /// Null: no regional alias.
    /// </summary>
    public System.Net.IPAddress? RegionalAlias { get; init; }
}
