namespace ClientCredentials.Emulator;

/// <summary>
/// The sample protected API at <c>GET /api/whoami</c>: it accepts bearer tokens the emulator issued for
/// <see cref="Resource"/> (RFC 6750) and, when set, requires <see cref="RequiredRole"/>.
/// </summary>
public sealed record EmulatorProtectedApi
{
    /// <summary>The resource (app id URI or app id) whose tokens the API accepts.</summary>
    public required string Resource { get; init; }

    /// <summary>An app role the caller must hold (403 otherwise); <see langword="null"/> requires none.</summary>
    public string? RequiredRole { get; init; }
}
