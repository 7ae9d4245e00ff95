namespace ClientCredentials.Emulator;

/// <summary>A resource (API) tokens are issued for, and the app roles it defines.</summary>
/// <remarks>
/// Members with a default are settable rather than init-only: the JSON source generator (which the native cc-token
/// needs) would replace an init-only member's default with zero when the file omits it (dotnet/runtime#84484).
/// </remarks>
public sealed record EmulatorResource
{
    /// <summary>The Application ID URI, e.g. <c>api://sample-api</c> or <c>https://graph.microsoft.com</c>.</summary>
    public required string AppIdUri { get; init; }

    /// <summary>The resource's application id, a GUID; issued tokens carry it as <c>aud</c>. Derived from the URI when omitted.</summary>
    public string? AppId { get; init; }

    /// <summary>A display name used in error messages.</summary>
    public string DisplayName { get; set; } = "Emulated API";

    /// <summary>The app roles the resource defines.</summary>
    public IReadOnlyList<string> Roles { get; set; } = [];
}
