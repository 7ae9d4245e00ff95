using System.Text.RegularExpressions;

namespace ClientCredentials.Protocol;

/// <summary>
/// Which managed identity of an Azure resource to use: the system-assigned one, or a user-assigned one named by its
/// client id, object (principal) id or Azure resource id. Checked when created: a client or object id must be a GUID,
/// a resource id must have the form
/// <c>/subscriptions/{guid}/resourceGroups/{name}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}</c>;
/// anything else is a <see cref="ClientCredentialsConfigurationException"/> (setting <c>ManagedIdentityId</c>).
/// </summary>
public sealed partial class ManagedIdentityId : IEquatable<ManagedIdentityId>
{
    private ManagedIdentityId(ManagedIdentityIdKind kind, string? value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>The system-assigned identity of the resource the code runs on.</summary>
    public static ManagedIdentityId SystemAssigned { get; } = new(ManagedIdentityIdKind.SystemAssigned, null);

    /// <summary>How the identity is named.</summary>
    public ManagedIdentityIdKind Kind { get; }

    /// <summary>The client id, object id or resource id; null for the system-assigned identity.</summary>
    public string? Value { get; }

    /// <summary>True for a user-assigned identity.</summary>
    public bool IsUserAssigned => Kind != ManagedIdentityIdKind.SystemAssigned;

    /// <summary>A user-assigned identity by its client (application) id, a GUID.</summary>
    public static ManagedIdentityId FromClientId(string clientId) => new(ManagedIdentityIdKind.ClientId, RequireGuid(clientId, "client id"));

    /// <summary>A user-assigned identity by its object (principal) id, a GUID.</summary>
    public static ManagedIdentityId FromObjectId(string objectId) => new(ManagedIdentityIdKind.ObjectId, RequireGuid(objectId, "object (principal) id"));

    /// <summary>
    /// A user-assigned identity by its Azure resource id:
    /// <c>/subscriptions/{guid}/resourceGroups/{name}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}</c>.
    /// </summary>
    public static ManagedIdentityId FromResourceId(string resourceId)
    {
        var trimmed = resourceId?.Trim();
        if (string.IsNullOrEmpty(trimmed) || !ResourceIdPattern().IsMatch(trimmed))
        {
            throw new ClientCredentialsConfigurationException(
                "ManagedIdentityId",
                $"Managed identity resource id '{resourceId}' is not of the form /subscriptions/{{subscription guid}}/resourceGroups/{{group}}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{{name}}; copy it from the identity's Properties page.");
        }

        return new(ManagedIdentityIdKind.ResourceId, trimmed);
    }

    /// <inheritdoc />
    public bool Equals(ManagedIdentityId? other) =>
        other is not null && Kind == other.Kind && string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ManagedIdentityId);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(Value));

    /// <summary><c>system-assigned</c>, or the kind and value of a user-assigned identity (ids are not secret).</summary>
    public override string ToString() => Kind switch
    {
        ManagedIdentityIdKind.ClientId => $"user-assigned client_id {Value}",
        ManagedIdentityIdKind.ObjectId => $"user-assigned object_id {Value}",
        ManagedIdentityIdKind.ResourceId => $"user-assigned resource id {Value}",
        _ => "system-assigned",
    };

    private static string RequireGuid(string? value, string what)
    {
        var trimmed = value?.Trim();
        if (!Guid.TryParseExact(trimmed, "D", out var guid))
        {
            throw new ClientCredentialsConfigurationException(
                "ManagedIdentityId",
                $"Managed identity {what} '{value}' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); copy it from the identity's Overview page. For a resource id use ManagedIdentityId.FromResourceId.");
        }

        return guid.ToString("D");
    }

    [GeneratedRegex(@"^/subscriptions/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/resource[gG]roups/[-\w\._\(\)]{1,90}/providers/Microsoft\.ManagedIdentity/userAssignedIdentities/[A-Za-z0-9][-A-Za-z0-9_]{2,127}$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ResourceIdPattern();
}

/// <summary>How a <see cref="ManagedIdentityId"/> names the identity; each kind travels as its own query parameter.</summary>
public enum ManagedIdentityIdKind
{
    /// <summary>The resource's system-assigned identity (no parameter).</summary>
    SystemAssigned,

    /// <summary>A user-assigned identity by client id (<c>client_id</c>).</summary>
    ClientId,

    /// <summary>A user-assigned identity by object (principal) id (<c>object_id</c>; App Service: <c>principal_id</c>).</summary>
    ObjectId,

    /// <summary>A user-assigned identity by Azure resource id (<c>msi_res_id</c> on IMDS, <c>mi_res_id</c> elsewhere).</summary>
    ResourceId,
}
