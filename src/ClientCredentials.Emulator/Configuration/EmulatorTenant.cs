namespace ClientCredentials.Emulator;

/// <summary>A directory (tenant): its GUID and the domain names that resolve to it in the URL path.</summary>
public sealed record EmulatorTenant
{
    /// <summary>The tenant id (<c>tid</c>), a GUID.</summary>
    public required string Id { get; init; }

    /// <summary>Domain names accepted in place of the id, e.g. <c>contoso.onmicrosoft.com</c>.</summary>
    public IReadOnlyList<string> Domains { get; init; } = [];
}
