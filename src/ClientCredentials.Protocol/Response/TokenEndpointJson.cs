using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClientCredentials.Protocol;

/// <summary>
/// The JSON members of a token endpoint response: success (RFC 6749 §5.1), error (§5.2), and AAD's additions
/// (v1 <c>expires_on</c>/<c>not_before</c>/<c>resource</c>, <c>ext_expires_in</c>, <c>refresh_in</c>,
/// <c>error_codes</c>, <c>trace_id</c>, ...), as <see cref="TokenEndpointJsonReader"/> reads them. Numbers may arrive
/// as strings; members read nowhere else (v1 <c>not_before</c> and <c>resource</c>, <c>scope</c>, vendor fields) are
/// kept in <see cref="Extra"/>.
/// </summary>
internal sealed class TokenEndpointJson
{
    public string? AccessToken { get; set; }

    public string? TokenType { get; set; }

    public long? ExpiresIn { get; set; }

    public long? ExtExpiresIn { get; set; }

    public long? RefreshIn { get; set; }

    public long? ExpiresOn { get; set; }

    public string? Error { get; set; }

    public string? ErrorDescription { get; set; }

    public int[]? ErrorCodes { get; set; }

    public string? SubError { get; set; }

    public string? Claims { get; set; }

    public string? TraceId { get; set; }

    public string? CorrelationId { get; set; }

    public string? Timestamp { get; set; }

    public string? ErrorUri { get; set; }

    /// <summary>Members not listed above, by unescaped name, as their JSON text.</summary>
    public Dictionary<string, string>? Extra { get; set; }
}

/// <summary>The members of an authorization server metadata document (RFC 8414 §2, OIDC Discovery §3) that this client reads.</summary>
internal sealed class AuthorizationServerMetadataJson
{
    [JsonPropertyName("issuer")] public string? Issuer { get; set; }
    [JsonPropertyName("token_endpoint")] public string? TokenEndpoint { get; set; }
    [JsonPropertyName("token_endpoint_auth_methods_supported")] public string[]? TokenEndpointAuthMethodsSupported { get; set; }
    [JsonPropertyName("token_endpoint_auth_signing_alg_values_supported")] public string[]? TokenEndpointAuthSigningAlgValuesSupported { get; set; }
    [JsonPropertyName("dpop_signing_alg_values_supported")] public string[]? DPoPSigningAlgValuesSupported { get; set; }
    [JsonPropertyName("cloud_instance_name")] public JsonElement? CloudInstanceName { get; set; }
    [JsonPropertyName("mtls_endpoint_aliases")] public Dictionary<string, JsonElement>? MtlsEndpointAliases { get; set; }
}

/// <summary>System.Text.Json source generation for the metadata document: no reflection, AOT-safe.</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString, ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(AuthorizationServerMetadataJson))]
internal sealed partial class TokenEndpointJsonContext : JsonSerializerContext
{
}
