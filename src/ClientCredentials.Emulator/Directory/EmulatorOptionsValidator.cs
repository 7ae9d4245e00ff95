using System.Security.Cryptography;
using System.Text;

namespace ClientCredentials.Emulator.Directory;

/// <summary>
/// Validates <see cref="EmulatorOptions"/> and resolves them into a <see cref="DirectorySnapshot"/>. Every failure
/// is an <see cref="EmulatorConfigurationException"/> naming the entry (e.g. <c>applications[1].clientId</c>).
/// </summary>
internal static class EmulatorOptionsValidator
{
    private static readonly TimeSpan MaxAccessTokenLifetime = TimeSpan.FromHours(24);
    private const int MaxLatencyMilliseconds = 60_000;

    /// <summary>Checks the options and builds the directory they describe.</summary>
    public static DirectorySnapshot Validate(EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateScalars(options);
        var tenants = BuildTenants(options.Tenants);
        var resources = BuildResources(options.Resources);
        var managedIdentities = BuildManagedIdentities(options.ManagedIdentities, tenants, resources);
        if (options.AppServiceIdentityHeader is { } header && (header.Length == 0 || header.Any(char.IsControl)))
        {
            throw Fail("appServiceIdentityHeader must be a non-empty single-line value, or omitted for a random one.");
        }

        var applications = new Dictionary<string, RegisteredApplication>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Applications.Count; i++)
        {
            var app = BuildApplication(options.Applications[i], $"applications[{i}]", tenants, resources, managedIdentities);
            if (!applications.TryAdd(app.ClientId, app))
            {
                throw Fail($"applications[{i}].clientId '{app.ClientId}' is registered twice; client ids must be unique.");
            }
        }

        if (options.ProtectedApi is { } api)
        {
            var resource = resources.FirstOrDefault(r => r.IsNamedBy(api.Resource ?? string.Empty))
                ?? throw Fail($"protectedApi.resource '{api.Resource}' names no configured resource; use a resource's appIdUri or appId.");
            if (api.RequiredRole is { } role && !resource.Roles.Contains(role))
            {
                throw Fail($"protectedApi.requiredRole '{role}' is not defined by resource '{resource.AppIdUri}'; add it to that resource's roles.");
            }
        }

        return new DirectorySnapshot(tenants, resources, applications, managedIdentities);
    }

    /// <summary>Validates one application against an existing directory (runtime registration).</summary>
    public static RegisteredApplication ValidateApplication(EmulatorApplication application, DirectorySnapshot directory)
    {
        ArgumentNullException.ThrowIfNull(application);
        var app = BuildApplication(application, "application", directory.Tenants, directory.Resources, directory.ManagedIdentities);
        if (directory.FindApplication(app.ClientId) is not null)
        {
            throw Fail($"application.clientId '{app.ClientId}' is already registered; client ids must be unique.");
        }

        return app;
    }

    /// <summary>Checks fault options on their own (they can be replaced at run time).</summary>
    public static void ValidateFaults(EmulatorFaults faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        if (faults.LatencyMilliseconds is < 0 or > MaxLatencyMilliseconds)
        {
            throw Fail($"faults.latencyMilliseconds must be between 0 and {MaxLatencyMilliseconds}; found {faults.LatencyMilliseconds}.");
        }

        if (faults.ForcedStatusCodes is null)
        {
            throw Fail("faults.forcedStatusCodes must not be null; omit it or use [] for none.");
        }

        for (var i = 0; i < faults.ForcedStatusCodes.Count; i++)
        {
            if (faults.ForcedStatusCodes[i] is < 200 or > 599)
            {
                throw Fail($"faults.forcedStatusCodes[{i}] must be an HTTP status between 200 and 599; found {faults.ForcedStatusCodes[i]}.");
            }
        }

        if (double.IsNaN(faults.FailureRate) || faults.FailureRate is < 0 or > 1)
        {
            throw Fail($"faults.failureRate must be between 0 and 1; found {faults.FailureRate}.");
        }

        if (faults.FailureStatusCode is < 400 or > 599)
        {
            throw Fail($"faults.failureStatusCode must be an error status between 400 and 599; found {faults.FailureStatusCode}.");
        }

        if (faults.RetryAfterSeconds < 0)
        {
            throw Fail($"faults.retryAfterSeconds must not be negative; found {faults.RetryAfterSeconds}.");
        }
    }

    private static void ValidateScalars(EmulatorOptions options)
    {
        if (options.AccessTokenLifetime <= TimeSpan.Zero || options.AccessTokenLifetime > MaxAccessTokenLifetime)
        {
            throw Fail($"accessTokenLifetime must be positive and at most 24 hours; found {options.AccessTokenLifetime}.");
        }

        if (options.MaxAssertionLifetime <= TimeSpan.Zero)
        {
            throw Fail($"maxAssertionLifetime must be positive; found {options.MaxAssertionLifetime}.");
        }

        if (options.ClockSkew < TimeSpan.Zero)
        {
            throw Fail($"clockSkew must not be negative; found {options.ClockSkew}.");
        }

        ValidateFaults(options.Faults ?? throw Fail("faults must not be null; omit it for no faults."));
    }

    private static List<RegisteredTenant> BuildTenants(IReadOnlyList<EmulatorTenant>? tenants)
    {
        if (tenants is null || tenants.Count == 0)
        {
            throw Fail("tenants is empty; configure at least one tenant with a GUID id.");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<RegisteredTenant>();
        for (var i = 0; i < tenants.Count; i++)
        {
            var id = RequireGuid(tenants[i].Id, $"tenants[{i}].id", "the directory (tenant) id");
            if (!names.Add(id))
            {
                throw Fail($"tenants[{i}].id '{id}' is configured twice.");
            }

            var domains = tenants[i].Domains ?? [];
            for (var d = 0; d < domains.Count; d++)
            {
                var domain = domains[d];
                if (string.IsNullOrWhiteSpace(domain) || domain.Contains('/', StringComparison.Ordinal) || Guid.TryParse(domain, out _))
                {
                    throw Fail($"tenants[{i}].domains[{d}] '{domain}' is not a domain name such as 'contoso.onmicrosoft.com'.");
                }

                if (DirectorySnapshot.MultiTenantAliases.Contains(domain))
                {
                    throw Fail($"tenants[{i}].domains[{d}] '{domain}' is reserved by AAD for multi-tenant endpoints.");
                }

                if (!names.Add(domain))
                {
                    throw Fail($"tenants[{i}].domains[{d}] '{domain}' is used twice.");
                }
            }

            result.Add(new RegisteredTenant(id, [.. domains]));
        }

        return result;
    }

    private static List<RegisteredResource> BuildResources(IReadOnlyList<EmulatorResource>? resources)
    {
        var result = new List<RegisteredResource>();
        for (var i = 0; i < (resources?.Count ?? 0); i++)
        {
            var resource = resources![i];
            var path = $"resources[{i}]";
            if (string.IsNullOrWhiteSpace(resource.AppIdUri) || resource.AppIdUri.Any(char.IsWhiteSpace))
            {
                throw Fail($"{path}.appIdUri must be an identifier such as 'api://sample-api'; found '{resource.AppIdUri}'.");
            }

            var appId = resource.AppId is null
                ? DeterministicGuid("resource", resource.AppIdUri.TrimEnd('/').ToLowerInvariant())
                : RequireGuid(resource.AppId, $"{path}.appId", "the resource's application id");
            if (result.Any(r => r.IsNamedBy(resource.AppIdUri) || r.IsNamedBy(appId)))
            {
                throw Fail($"{path} repeats the appIdUri or appId of an earlier resource.");
            }

            var roles = new HashSet<string>(StringComparer.Ordinal);
            foreach (var role in resource.Roles ?? [])
            {
                if (string.IsNullOrWhiteSpace(role) || role.Any(char.IsWhiteSpace) || !roles.Add(role))
                {
                    throw Fail($"{path}.roles has an empty, blank-containing or repeated role '{role}'.");
                }
            }

            result.Add(new RegisteredResource(resource.AppIdUri, appId, resource.DisplayName ?? resource.AppIdUri, roles));
        }

        return result;
    }

    private static RegisteredApplication BuildApplication(
        EmulatorApplication app,
        string path,
        IReadOnlyList<RegisteredTenant> tenants,
        IReadOnlyList<RegisteredResource> resources,
        IReadOnlyList<RegisteredManagedIdentity> managedIdentities)
    {
        var clientId = RequireGuid(app.ClientId, $"{path}.clientId", "the application (client) id");
        var tenant = TenantOf(app.TenantId, path, tenants, "the app");

        var objectId = app.ObjectId is null
            ? DeterministicGuid("service-principal", $"{tenant.Id}/{clientId}")
            : RequireGuid(app.ObjectId, $"{path}.objectId", "the service principal object id");

        var secrets = new List<RegisteredSecret>();
        for (var i = 0; i < (app.Secrets?.Count ?? 0); i++)
        {
            var secret = app.Secrets![i];
            if (string.IsNullOrEmpty(secret.Value))
            {
                throw Fail($"{path}.secrets[{i}].value is empty; give the secret text the client sends.");
            }

            secrets.Add(new RegisteredSecret(SHA256.HashData(Encoding.UTF8.GetBytes(secret.Value)), secret.ExpiresOn));
        }

        var certificates = new List<RegisteredCertificate>();
        for (var i = 0; i < (app.Certificates?.Count ?? 0); i++)
        {
            certificates.Add(BuildCertificate(app.Certificates![i], $"{path}.certificates[{i}]"));
        }

        var federated = new List<RegisteredFederatedCredential>();
        for (var i = 0; i < (app.FederatedCredentials?.Count ?? 0); i++)
        {
            federated.Add(BuildFederatedCredential(app.FederatedCredentials![i], $"{path}.federatedCredentials[{i}]", managedIdentities));
        }

        var roles = BuildRoles(app.Roles, path, resources);
        return new RegisteredApplication(clientId, tenant, app.DisplayName ?? clientId, objectId, secrets, certificates, federated, roles);
    }

    private static RegisteredTenant TenantOf(string? tenantId, string path, IReadOnlyList<RegisteredTenant> tenants, string what)
    {
        if (tenantId is null)
        {
            return tenants.Count == 1
                ? tenants[0]
                : throw Fail($"{path}.tenantId is missing; with {tenants.Count} tenants configured, say which one {what} lives in.");
        }

        return tenants.FirstOrDefault(t => t.PathNames.Contains(tenantId, StringComparer.OrdinalIgnoreCase))
            ?? throw Fail($"{path}.tenantId '{tenantId}' names no configured tenant.");
    }

    private static Dictionary<string, IReadOnlyList<string>> BuildRoles(IReadOnlyDictionary<string, IReadOnlyList<string>>? configured, string path, IReadOnlyList<RegisteredResource> resources)
    {
        var roles = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (resourceName, heldRoles) in configured ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            var resource = resources.FirstOrDefault(r => r.IsNamedBy(resourceName))
                ?? throw Fail($"{path}.roles names resource '{resourceName}', which is not configured; add it to resources or fix the name.");
            foreach (var role in heldRoles ?? [])
            {
                if (!resource.Roles.Contains(role))
                {
                    throw Fail($"{path}.roles['{resourceName}'] holds role '{role}', which resource '{resource.AppIdUri}' does not define.");
                }
            }

            roles[resource.AppId] = [.. (heldRoles ?? []).Distinct(StringComparer.Ordinal)];
        }

        return roles;
    }

    private static List<RegisteredManagedIdentity> BuildManagedIdentities(IReadOnlyList<EmulatorManagedIdentity>? configured, IReadOnlyList<RegisteredTenant> tenants, IReadOnlyList<RegisteredResource> resources)
    {
        var result = new List<RegisteredManagedIdentity>();
        for (var i = 0; i < (configured?.Count ?? 0); i++)
        {
            var identity = configured![i];
            var path = $"managedIdentities[{i}]";
            var objectId = RequireGuid(identity.ObjectId, $"{path}.objectId", "the identity's object (principal) id");
            var clientId = identity.ClientId is null ? DeterministicGuid("managed-identity-client", objectId) : RequireGuid(identity.ClientId, $"{path}.clientId", "the identity's client id");
            var tenant = TenantOf(identity.TenantId, path, tenants, "the identity");
            if (identity.ResourceId is { } resourceId &&
                !System.Text.RegularExpressions.Regex.IsMatch(resourceId, @"^/subscriptions/[0-9a-fA-F-]{36}/resource[gG]roups/[^/]+/providers/Microsoft\.ManagedIdentity/userAssignedIdentities/[^/]+$"))
            {
                throw Fail($"{path}.resourceId '{resourceId}' is not /subscriptions/{{guid}}/resourceGroups/{{group}}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{{name}}.");
            }

            if (identity.SystemAssigned && identity.ResourceId is not null)
            {
                throw Fail($"{path} is system-assigned and has a resourceId; only user-assigned identities have one.");
            }

            if (result.Any(m => m.ObjectId == objectId || m.ClientId == clientId || (identity.ResourceId is not null && string.Equals(m.ResourceId, identity.ResourceId, StringComparison.OrdinalIgnoreCase))))
            {
                throw Fail($"{path} repeats the object id, client id or resource id of an earlier identity.");
            }

            if (identity.SystemAssigned && result.Any(m => m.SystemAssigned))
            {
                throw Fail($"{path} is a second system-assigned identity; a resource has at most one.");
            }

            result.Add(new RegisteredManagedIdentity(objectId, clientId, tenant, identity.ResourceId, identity.SystemAssigned, BuildRoles(identity.Roles, path, resources)));
        }

        return result;
    }

    private static RegisteredCertificate BuildCertificate(EmulatorCertificate certificate, string path)
    {
        if (certificate.Certificate is null && certificate.ThumbprintSha1 is null && certificate.ThumbprintSha256 is null)
        {
            throw Fail($"{path} is empty; give the public certificate (Base64 DER or PEM) or a thumbprint.");
        }

        try
        {
            if (certificate.Certificate is not null)
            {
                var cert = CredentialKeyParser.ParseCertificate(certificate.Certificate);
                if (cert.HasPrivateKey)
                {
                    throw new FormatException("the certificate carries a private key; configure the public certificate only");
                }

#pragma warning disable CA5350 // x5t (RFC 7515 §4.1.7) is a SHA-1 digest by definition: it names a certificate, it protects nothing
                return new RegisteredCertificate(cert, SHA1.HashData(cert.RawData), SHA256.HashData(cert.RawData));
#pragma warning restore CA5350
            }

            var sha1 = certificate.ThumbprintSha1 is null ? null : CredentialKeyParser.ParseThumbprint(certificate.ThumbprintSha1, SHA1.HashSizeInBytes);
            var sha256 = certificate.ThumbprintSha256 is null ? null : CredentialKeyParser.ParseThumbprint(certificate.ThumbprintSha256, SHA256.HashSizeInBytes);
            return new RegisteredCertificate(null, sha1, sha256);
        }
        catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw Fail($"{path} is not usable: {ex.Message}", ex);
        }
    }

    private static RegisteredFederatedCredential BuildFederatedCredential(EmulatorFederatedCredential credential, string path, IReadOnlyList<RegisteredManagedIdentity> managedIdentities)
    {
        if (credential.ManagedIdentity is { } trusted)
        {
            if (credential.Issuer is not null || credential.Subject is not null || credential.SigningKeys is { Count: > 0 })
            {
                throw Fail($"{path} names a managedIdentity and also issuer, subject or signingKeys; the emulator's own issuer, the identity's object id and its signing key apply.");
            }

            var identity = managedIdentities.FirstOrDefault(m => string.Equals(m.ObjectId, trusted, StringComparison.OrdinalIgnoreCase) || string.Equals(m.ClientId, trusted, StringComparison.OrdinalIgnoreCase))
                ?? throw Fail($"{path}.managedIdentity '{trusted}' names no configured managed identity (object id or client id).");
            if (string.IsNullOrWhiteSpace(credential.Audience))
            {
                throw Fail($"{path}.audience is empty; AAD's default is 'api://AzureADTokenExchange'.");
            }

            return new RegisteredFederatedCredential(string.Empty, identity.ObjectId, credential.Audience, []) { TrustedManagedIdentity = identity };
        }

        if (string.IsNullOrWhiteSpace(credential.Issuer))
        {
            throw Fail($"{path}.issuer is empty; give the external issuer URL exactly as it appears in 'iss'.");
        }

        if (string.IsNullOrWhiteSpace(credential.Subject))
        {
            throw Fail($"{path}.subject is empty; give the subject exactly as it appears in 'sub'.");
        }

        if (string.IsNullOrWhiteSpace(credential.Audience))
        {
            throw Fail($"{path}.audience is empty; AAD's default is 'api://AzureADTokenExchange'.");
        }

        if (credential.SigningKeys is null || credential.SigningKeys.Count == 0)
        {
            throw Fail($"{path}.signingKeys is empty; give the issuer's public keys as JWKs or PEM.");
        }

        var keys = new List<Microsoft.IdentityModel.Tokens.SecurityKey>();
        for (var i = 0; i < credential.SigningKeys.Count; i++)
        {
            try
            {
                keys.Add(CredentialKeyParser.ParseSigningKey(credential.SigningKeys[i]));
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or System.Security.Cryptography.CryptographicException or System.Text.Json.JsonException)
            {
                throw Fail($"{path}.signingKeys[{i}] is not a usable public key: {ex.Message}", ex);
            }
        }

        return new RegisteredFederatedCredential(credential.Issuer, credential.Subject!, credential.Audience, keys);
    }

    private static string RequireGuid(string? value, string path, string what) =>
        Guid.TryParse(value, out var guid)
            ? guid.ToString("D")
            : throw Fail($"{path} '{value}' is not a GUID; it must be {what}.");

    /// <summary>A stable GUID derived from a name (so derived ids survive restarts).</summary>
    internal static string DeterministicGuid(string kind, string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}:{name}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString("D");
    }

    private static EmulatorConfigurationException Fail(string message) => new(message);

    private static EmulatorConfigurationException Fail(string message, Exception inner) => new(message, inner);
}
