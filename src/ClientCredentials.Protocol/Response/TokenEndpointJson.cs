using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClientCredentials.Protocol;

/// <summary>
/// The JSON members of a token endpoint response: success (RFC 6749 §5.1), error (§5.2), and AAD's additions
/// (v1 <c>expires_on</c>/<c>not_before</c>/<c>resource</c>, <c>ext_expires_in</c>, <c>refresh_in</c>,
/// <c>error_codes</c>, <c>trace_id</c>, ...). Numbers may arrive as strings; members read nowhere else (v1
/// <c>not_before</c> and <c>resource</c>, <c>scope</c>, vendor fields) are kept in <see cref="Extra"/>.
/// </summary>
internal sealed class TokenEndpointJson
{
    [JsonPropertyName("access_token")] public string? AccessToken { get; set; }
    [JsonPropertyName("token_type")] public string? TokenType { get; set; }
    [JsonPropertyName("expires_in")] public long? ExpiresIn { get; set; }
    [JsonPropertyName("ext_expires_in")] public long? ExtExpiresIn { get; set; }
    [JsonPropertyName("refresh_in")] public long? RefreshIn { get; set; }
    [JsonPropertyName("expires_on")] public long? ExpiresOn { get; set; }
    [JsonPropertyName("error")] public string? Error { get; set; }
    [JsonPropertyName("error_description")] public string? ErrorDescription { get; set; }
    [JsonPropertyName("error_codes")] public int[]? ErrorCodes { get; set; }
    [JsonPropertyName("suberror")] public string? SubError { get; set; }
    [JsonPropertyName("claims")] public string? Claims { get; set; }
    [JsonPropertyName("trace_id")] public string? TraceId { get; set; }
    [JsonPropertyName("correlation_id")] public string? CorrelationId { get; set; }
    [JsonPropertyName("timestamp")] public string? Timestamp { get; set; }
    [JsonPropertyName("error_uri")] public string? ErrorUri { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
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

/// <summary>System.Text.Json source generation for the response types: no reflection, AOT-safe.</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString, ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(TokenEndpointJson))]
[JsonSerializable(typeof(AuthorizationServerMetadataJson))]
internal sealed partial class TokenEndpointJsonContext : JsonSerializerContext
{
}
