using Microsoft.AspNetCore.Http;

namespace ClientCredentials.Emulator.Errors;

/// <summary>
/// AAD's correlation headers: the <c>client-request-id</c> a client sends becomes the correlation id, and is
/// echoed back as a response header when the client sends <c>return-client-request-id: true</c>.
/// </summary>
internal static class RequestCorrelation
{
    private const string ClientRequestIdHeader = "client-request-id";
    private const string ReturnClientRequestIdHeader = "return-client-request-id";
    private const string ItemKey = "ClientCredentials.Emulator.CorrelationId";

    /// <summary>The sent <c>client-request-id</c> when it is a GUID, else one new GUID per request.</summary>
    public static string CorrelationId(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var existing) && existing is string id)
        {
            return id;
        }

        var sent = context.Request.Headers[ClientRequestIdHeader].ToString();
        var correlationId = Guid.TryParse(sent, out var guid) ? guid.ToString("D") : Guid.NewGuid().ToString("D");
        context.Items[ItemKey] = correlationId;
        return correlationId;
    }

    /// <summary>Adds <c>client-request-id</c> to the response when asked to.</summary>
    public static void EchoClientRequestId(HttpContext context)
    {
        var asked = context.Request.Headers[ReturnClientRequestIdHeader].ToString();
        var sent = context.Request.Headers[ClientRequestIdHeader].ToString();
        if (string.Equals(asked, "true", StringComparison.OrdinalIgnoreCase) && sent.Length > 0)
        {
            context.Response.Headers[ClientRequestIdHeader] = sent;
        }
    }
}
