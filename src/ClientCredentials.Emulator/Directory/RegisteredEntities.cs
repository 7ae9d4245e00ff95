using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Emulator.Directory;

/// <summary>A tenant with its normalized id (lower-case GUID) and domain names.</summary>
internal sealed record RegisteredTenant(string Id, IReadOnlyList<string> Domains)
{
    /// <summary>The id and every domain: the names a URL path may use for this tenant.</summary>
    public IEnumerable<string> PathNames => Domains.Prepend(Id);
}

/// <summary>A resource with its normalized app id and its role set.</summary>
internal sealed record RegisteredResource(string AppIdUri, string AppId, string DisplayName, IReadOnlySet<string> Roles)
{
    /// <summary>
    /// Whether an identifier names this resource: its app id (GUID) or its app id URI, compared case-insensitively
    /// and ignoring one trailing slash, as AAD does for <c>{resource}/.default</c>.
    /// </summary>
    public bool IsNamedBy(string identifier) =>
        string.Equals(identifier, AppId, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(identifier.TrimEnd('/'), AppIdUri.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}

/// <summary>A secret kept only as its SHA-256 hash.</summary>
internal sealed record RegisteredSecret(byte[] Sha256, DateTimeOffset? ExpiresOn);

/// <summary>A certificate credential: the certificate when known, and the thumbprints to match headers against.</summary>
internal sealed record RegisteredCertificate(X509Certificate2? Certificate, byte[]? Sha1, byte[]? Sha256);

/// <summary>
/// A federated identity credential with its parsed keys; or, when <see cref="TrustedManagedIdentity"/> is set, trust in
/// the emulator's own tokens for that managed identity (issuer and key are the emulator's, known only once it runs).
/// </summary>
internal sealed record RegisteredFederatedCredential(string Issuer, string Subject, string Audience, IReadOnlyList<SecurityKey> Keys)
{
    public RegisteredManagedIdentity? TrustedManagedIdentity { get; init; }
}

/// <summary>A managed identity of the emulated resource, resolved against its tenant and the resources it holds roles on.</summary>
internal sealed record RegisteredManagedIdentity(
    string ObjectId,
    string ClientId,
    RegisteredTenant Tenant,
    string? ResourceId,
    bool SystemAssigned,
    IReadOnlyDictionary<string, IReadOnlyList<string>> RolesByResourceAppId)
{
    /// <summary>The roles held on a resource; empty when none.</summary>
    public IReadOnlyList<string> RolesOn(RegisteredResource resource) =>
        RolesByResourceAppId.TryGetValue(resource.AppId, out var roles) ? roles : [];
}

/// <summary>A client application resolved against its tenant and the resources it holds roles on.</summary>
internal sealed record RegisteredApplication(
    string ClientId,
    RegisteredTenant Tenant,
    string DisplayName,
    string ObjectId,
    IReadOnlyList<RegisteredSecret> Secrets,
    IReadOnlyList<RegisteredCertificate> Certificates,
    IReadOnlyList<RegisteredFederatedCredential> FederatedCredentials,
    IReadOnlyDictionary<string, IReadOnlyList<string>> RolesByResourceAppId)
{
    /// <summary>The roles held on a resource; empty when none (AAD then issues a token without <c>roles</c>).</summary>
    public IReadOnlyList<string> RolesOn(RegisteredResource resource) =>
        RolesByResourceAppId.TryGetValue(resource.AppId, out var roles) ? roles : [];
}
