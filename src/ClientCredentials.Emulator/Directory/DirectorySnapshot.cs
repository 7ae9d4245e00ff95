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
        IReadOnlyDictionary<string, RegisteredApplication> applications)
    {
        Tenants = tenants;
        Resources = resources;
        _tenantsByPathName = tenants
            .SelectMany(t => t.PathNames.Select(name => KeyValuePair.Create(name, t)))
            .ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _applicationsByClientId = applications.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<RegisteredTenant> Tenants { get; }

    public IReadOnlyList<RegisteredResource> Resources { get; }

    public IEnumerable<RegisteredApplication> Applications => _applicationsByClientId.Values;

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
        return new DirectorySnapshot(Tenants, Resources, applications);
    }
}
