using Microsoft.Extensions.Primitives;

namespace ClientCredentials.Emulator.Tokens;

/// <summary>Which token endpoint was called: v2 (<c>scope</c>) or v1 (<c>resource</c>).</summary>
internal enum TokenEndpointVersion
{
    V1,
    V2,
}

/// <summary>A token request as received: endpoint version, tenant path segment, form body and Authorization header.</summary>
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
}
