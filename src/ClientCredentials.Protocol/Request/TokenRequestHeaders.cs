using System.Reflection;

namespace ClientCredentials.Protocol;

/// <summary>
/// Headers of a token request: <c>Accept: application/json</c>; AAD's correlation headers
/// <c>client-request-id</c> and <c>return-client-request-id: true</c>; <c>x-client-SKU</c>/<c>x-client-Ver</c>
/// naming this library, as MSAL names itself; and <c>x-ms-lib-capability: retry-after, h429</c>, with which MSAL tells
/// Entra ID that it honours <c>Retry-After</c> and HTTP 429 (so throttling is answered as 429/503 with
/// <c>Retry-After</c>), which this library does (<see cref="TokenRequestPipeline"/>, <see cref="ThrottleGate"/>).
/// </summary>
internal static class TokenRequestHeaders
{
    public const string ClientRequestId = "client-request-id";
    public const string ReturnClientRequestId = "return-client-request-id";
    public const string ClientSku = "x-client-SKU";
    public const string ClientVersion = "x-client-Ver";
    public const string LibraryCapability = "x-ms-lib-capability";
    public const string Capabilities = "retry-after, h429";
    public const string Sku = "ClientCredentials.Protocol";

    // Stryker disable once String : the SDK always writes the informational version, so the fallback is never used
    public static readonly string Version =
        typeof(TokenRequestHeaders).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The longest <c>client-request-id</c> sent (a GUID has 36 characters).</summary>
    public const int MaxCorrelationIdLength = 256;

    /// <summary>
    /// Adds the headers. <paramref name="correlationId"/> was checked by <see cref="HeaderValueRule"/> when the
    /// caller's parameters were first seen (or is a GUID the library made); it is checked again here, where it becomes
    /// a header, because these headers are added without the HTTP stack's own validation.
    /// </summary>
    public static void Apply(HttpRequestMessage request, string correlationId)
    {
        HeaderValueRule.Validate(correlationId, "CorrelationId", MaxCorrelationIdLength);
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        request.Headers.TryAddWithoutValidation(ClientRequestId, correlationId);
        request.Headers.TryAddWithoutValidation(ReturnClientRequestId, "true");
        request.Headers.TryAddWithoutValidation(ClientSku, Sku);
        request.Headers.TryAddWithoutValidation(ClientVersion, Version);
        request.Headers.TryAddWithoutValidation(LibraryCapability, Capabilities);
    }
}
