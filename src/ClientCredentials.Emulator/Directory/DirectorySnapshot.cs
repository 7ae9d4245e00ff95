using System.Collections.Frozen;

namespace ClientCredentials.Emulator.Directory;

/// <summary>An immutable view of tenants, resources and applications; replaced whole when an app is registered.</summary>
internal sealed class DirectorySnapshot
{
    /// <summary>Path segments AAD reserves for multi-tenant endpoints.</summary>
    public static readonly FrozenSet<string> MultiTenantAliases =
        new[] { "common", "organizations", "consumers" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, RegisteredTenant> _tenantsByPathName;
    private readonly FrozenDictionary<string, RegisteredApplication> _applicationsByClientId;

    public DirectorySnapshot(
        IReadOnlyList<RegisteredTenant> tenants,
        IReadOnlyList<RegisteredResource> resources,
        IReadOnlyDictionary<string, RegisteredApplication> applications,
        IReadOnlyList<RegisteredManagedIdentity>? managedIdentities = null)
    {
        Tenants = tenants;
        Resources = resources;
        ManagedIdentities = managedIdentities ?? [];
        _tenantsByPathName = tenants
            .SelectMany(t => t.PathNames.Select(name => KeyValuePair.Create(name, t)))
            .ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _applicationsByClientId = applications.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<RegisteredTenant> Tenants { get; }

    public IReadOnlyList<RegisteredResource> Resources { get; }

    public IEnumerable<RegisteredApplication> Applications => _applicationsByClientId.Values;

    public IReadOnlyList<RegisteredManagedIdentity> ManagedIdentities { get; }

    /// <summary>The system-assigned identity, when one is configured.</summary>
    public RegisteredManagedIdentity? SystemAssignedIdentity => ManagedIdentities.FirstOrDefault(m => m.SystemAssigned);

    /// <summary>A managed identity by client id, object id or resource id (case-insensitive).</summary>
    public RegisteredManagedIdentity? FindManagedIdentity(string? clientId, string? objectId, string? resourceId) =>
        ManagedIdentities.FirstOrDefault(m =>
            (clientId is not null && string.Equals(m.ClientId, clientId, StringComparison.OrdinalIgnoreCase)) ||
            (objectId is not null && string.Equals(m.ObjectId, objectId, StringComparison.OrdinalIgnoreCase)) ||
            (resourceId is not null && string.Equals(m.ResourceId, resourceId, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Finds a tenant by id or domain name as written in a URL path.</summary>
    public RegisteredTenant? FindTenant(string pathName) =>
        _tenantsByPathName.TryGetValue(pathName, out var tenant) ? tenant : null;

    /// <summary>Finds an application by client id, in any tenant.</summary>
    public RegisteredApplication? FindApplication(string clientId) =>
        _applicationsByClientId.TryGetValue(clientId, out var app) ? app : null;

    /// <summary>Finds a resource by app id or app id URI.</summary>
    public RegisteredResource? FindResource(string identifier) =>
        Resources.FirstOrDefault(r => r.IsNamedBy(identifier));

    /// <summary>A copy of this snapshot with one more application.</summary>
    public DirectorySnapshot With(RegisteredApplication application)
    {
        var applications = new Dictionary<string, RegisteredApplication>(_applicationsByClientId, StringComparer.OrdinalIgnoreCase)
        {
            [application.ClientId] = application,
        };
        return new DirectorySnapshot(Tenants, Resources, applications, ManagedIdentities);
    }
}
