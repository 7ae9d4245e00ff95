using System.Buffers.Text;
using System.Text.Json.Nodes;

namespace ClientCredentials.Protocol.Conformance.Msal;

/// <summary>The decoded JOSE header and claims of a compact JWS (RFC 7515 §7.1); the signature is not checked.</summary>
internal sealed record JwtParts(JsonObject Header, JsonObject Claims)
{
    public static JwtParts Decode(string compact)
    {
        var parts = compact.Split('.');
        if (parts.Length != 3)
        {
            throw new FormatException($"A client assertion must be a compact JWS of three parts, not {parts.Length}.");
        }

        return new JwtParts(Object(parts[0], "header"), Object(parts[1], "payload"));
    }

    private static JsonObject Object(string part, string what) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(part)) as JsonObject
            ?? throw new FormatException($"The client assertion's {what} is not a JSON object.");
}
