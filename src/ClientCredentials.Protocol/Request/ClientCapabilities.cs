using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClientCredentials.Protocol;

/// <summary>
/// Client capabilities (for example <c>cp1</c>: the client can handle claims challenges, so Entra may issue it
/// continuous access evaluation tokens) travel in the <c>claims</c> request parameter as
/// <c>{"access_token":{"xms_cc":{"values":["cp1"]}}}</c>, merged with any claims challenge of the request, as MSAL.NET
/// does for <c>WithClientCapabilities</c>. Built once per client.
/// </summary>
internal sealed class ClientCapabilities
{
    private readonly string[] _values;

    private ClientCapabilities(string[] values)
    {
        _values = values;
    }

    /// <summary>No capabilities: requests carry only their own claims.</summary>
    public static ClientCapabilities None { get; } = new([]);

    /// <summary>Checks the configured capabilities: non-empty printable tokens without quotes, backslashes or spaces.</summary>
    public static ClientCapabilities From(IReadOnlyList<string>? capabilities)
    {
        if (capabilities is null || capabilities.Count == 0)
        {
            return None;
        }

        var values = new List<string>(capabilities.Count);
        foreach (var capability in capabilities)
        {
            if (string.IsNullOrWhiteSpace(capability) || capability.Any(c => c is ' ' or '"' or '\\' || c < 0x21 || c > 0x7e))
            {
                throw new ClientCredentialsConfigurationException("ClientCapabilities", $"Client capability '{capability}' is not a capability name such as cp1 (printable ASCII without spaces, quotes or backslashes).");
            }

            if (!values.Contains(capability, StringComparer.Ordinal))
            {
                values.Add(capability);
            }
        }

        return new ClientCapabilities([.. values]);
    }

    /// <summary>
    /// The <c>claims</c> to send: the challenge (a JSON object, already validated) with
    /// <c>access_token.xms_cc.values</c> holding the capabilities too (union, the challenge's first). Without
    /// capabilities the challenge is sent as given.
    /// </summary>
    public string? Merge(string? challenge)
    {
        if (_values.Length == 0)
        {
            // Stryker disable once Conditional : the request factory drops an empty claims value, so "" and null send the same request
            return string.IsNullOrEmpty(challenge) ? null : challenge;
        }

        try
        {
            var root = string.IsNullOrEmpty(challenge) ? new JsonObject() : JsonNode.Parse(challenge) as JsonObject ?? new JsonObject();
            return MergeInto(root);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            throw new ClientCredentialsConfigurationException("Claims", $"The claims challenge cannot be merged with the client capabilities: {ex.Message}", ex);
        }
    }

    private string MergeInto(JsonObject root)
    {
        var accessToken = root["access_token"] as JsonObject;
        if (accessToken is null)
        {
            accessToken = new JsonObject();
            root["access_token"] = accessToken;
        }

        var xmsCc = accessToken["xms_cc"] as JsonObject;
        if (xmsCc is null)
        {
            xmsCc = new JsonObject();
            accessToken["xms_cc"] = xmsCc;
        }

        var values = xmsCc["values"] as JsonArray;
        if (values is null)
        {
            values = new JsonArray();
            xmsCc["values"] = values;
        }

        foreach (var capability in _values)
        {
            if (!values.Any(v => v is JsonValue value && value.TryGetValue<string>(out var text) && text == capability))
            {
                values.Add((JsonNode?)JsonValue.Create(capability));
            }
        }

        return root.ToJsonString(SerializerOptions);
    }

    private static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
