using Microsoft.Extensions.Primitives;

namespace ClientCredentials.Emulator.Tokens;

/// <summary>Which token endpoint was called: v2 (<c>scope</c>) or v1 (<c>resource</c>).</summary>
internal enum TokenEndpointVersion
{
    V1,
    V2,
}

/// <summary>
/// A token request as received: endpoint version, tenant path segment, form body and Authorization header.
/// <see cref="ToString"/> shows the endpoint and the form field names only: the Authorization header and the form
/// values (<c>client_secret</c>, <c>client_assertion</c>) are never printed.
/// </summary>
internal sealed record TokenRequest(
    TokenEndpointVersion Version,
    string TenantSegment,
    IReadOnlyDictionary<string, StringValues> Form,
    string? Authorization,
    IReadOnlyList<string> BaseAddresses)
{
    /// <summary>The single value of a form parameter, or null when absent or empty.</summary>
    public string? Parameter(string name) =>
        Form.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    /// <summary>Endpoint version, tenant and form field names; no header or form value is printed.</summary>
    public override string ToString() =>
        $"{Version} token request for tenant {TenantSegment}, form fields [{string.Join(", ", Form.Keys.Order(StringComparer.Ordinal))}], " +
        $"Authorization header {(Authorization is null ? "absent" : "present (redacted)")}";
}
