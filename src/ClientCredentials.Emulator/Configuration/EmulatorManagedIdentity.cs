namespace ClientCredentials.Emulator;

/// <summary>
/// A managed identity of the emulated Azure resource: tokens for it are served by the emulator's IMDS
/// (<c>GET /metadata/identity/oauth2/token</c>) and App Service (<c>GET /msi/token</c>) endpoints, signed like every
/// token it issues, and an application can trust them as a federated credential
/// (<see cref="EmulatorFederatedCredential.ManagedIdentity"/>).
/// </summary>
/// <remarks>
/// Members with a default are settable rather than init-only: the JSON source generator (which the native cc-token
/// needs) would replace an init-only member's default with zero when the file omits it (dotnet/runtime#84484).
/// </remarks>
public sealed record EmulatorManagedIdentity
{
    /// <summary>The identity's object (principal) id, a GUID: the tokens' <c>oid</c> and <c>sub</c>.</summary>
    public required string ObjectId { get; init; }

    /// <summary>The identity's client (application) id, a GUID: the tokens' <c>azp</c>; derived from the object id when omitted.</summary>
    public string? ClientId { get; init; }

    /// <summary>The tenant the identity lives in; may be omitted when exactly one tenant is configured.</summary>
    public string? TenantId { get; init; }

    /// <summary>
    /// The Azure resource id of a user-assigned identity
    /// (<c>/subscriptions/{guid}/resourceGroups/{group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}</c>).
    /// </summary>
    public string? ResourceId { get; init; }

    /// <summary>True for the resource's system-assigned identity (at most one); it answers requests that name no identity.</summary>
    public bool SystemAssigned { get; init; }

    /// <summary>App roles held per resource, keyed by the resource's app id URI or app id.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Roles { get; set; } = new Dictionary<string, IReadOnlyList<string>>();
}
