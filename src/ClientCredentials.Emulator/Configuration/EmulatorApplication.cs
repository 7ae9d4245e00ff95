namespace ClientCredentials.Emulator;

/// <summary>
/// A client application registered in one tenant, with the credentials it may present (secrets, certificates,
/// federated identity credentials) and the app roles it holds on each resource.
/// </summary>
/// <remarks>
/// Members with a default are settable rather than init-only: the JSON source generator (which the native cc-token
/// needs) would replace an init-only member's default with zero when the file omits it (dotnet/runtime#84484).
/// </remarks>
public sealed record EmulatorApplication
{
    /// <summary>The application (client) id, a GUID.</summary>
    public required string ClientId { get; init; }

    /// <summary>The tenant the app lives in; may be omitted when exactly one tenant is configured.</summary>
    public string? TenantId { get; init; }

    /// <summary>A display name used in error messages.</summary>
    public string DisplayName { get; set; } = "Emulated application";

    /// <summary>The service principal object id (<c>oid</c>/<c>sub</c>); derived from tenant and client id when omitted.</summary>
    public string? ObjectId { get; init; }

    /// <summary>Client secrets (RFC 6749 §2.3.1).</summary>
    public IReadOnlyList<EmulatorSecret> Secrets { get; set; } = [];

    /// <summary>Certificates whose keys may sign client assertions (RFC 7523).</summary>
    public IReadOnlyList<EmulatorCertificate> Certificates { get; set; } = [];

    /// <summary>Trusted external issuers (workload identity federation).</summary>
    public IReadOnlyList<EmulatorFederatedCredential> FederatedCredentials { get; set; } = [];

    /// <summary>App roles held per resource, keyed by the resource's app id URI or app id.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Roles { get; set; } = new Dictionary<string, IReadOnlyList<string>>();
}
