namespace ClientCredentials.Emulator;

/// <summary>A resource (API) tokens are issued for, and the app roles it defines.</summary>
public sealed record EmulatorResource
{
    /// <summary>The Application ID URI, e.g. <c>api://sample-api</c> or <c>https://graph.microsoft.com</c>.</summary>
    public required string AppIdUri { get; init; }

    /// <summary>The resource's application id, a GUID; issued tokens carry it as <c>aud</c>. Derived from the URI when omitted.</summary>
    public string? AppId { get; init; }

    /// <summary>A display name used in error messages.</summary>
    public string DisplayName { get; init; } = "Emulated API";

    /// <summary>The app roles the resource defines.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];
}
