namespace ClientCredentials.Emulator;

/// <summary>A directory (tenant): its GUID and the domain names that resolve to it in the URL path.</summary>
/// <remarks>
/// Members with a default are settable rather than init-only: the JSON source generator (which the native cc-token
/// needs) would replace an init-only member's default with zero when the file omits it (dotnet/runtime#84484).
/// </remarks>
public sealed record EmulatorTenant
{
    /// <summary>The tenant id (<c>tid</c>), a GUID.</summary>
    public required string Id { get; init; }

    /// <summary>Domain names accepted in place of the id, e.g. <c>contoso.onmicrosoft.com</c>.</summary>
    public IReadOnlyList<string> Domains { get; set; } = [];
}
