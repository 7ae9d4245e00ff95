using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClientCredentials.Protocol;

/// <summary>
/// The payload of a client assertion (RFC 7523 §3): <c>aud</c>, <c>iss</c>, <c>sub</c>, <c>jti</c>, then
/// <c>iat</c>, <c>nbf</c>, <c>exp</c> as NumericDate numbers (RFC 7519 §2), then the caller's extra claims.
/// </summary>
internal sealed record AssertionClaims(string Audience, string ClientId, string JwtId, DateTimeOffset IssuedAt, TimeSpan Lifetime, IReadOnlyDictionary<string, object> Extra)
{
    /// <summary>Claims the library sets and callers may not override.</summary>
    public static readonly string[] Reserved = ["aud", "iss", "sub", "jti", "iat", "nbf", "exp"];

    /// <summary>No extra claims.</summary>
    public static readonly IReadOnlyDictionary<string, object> NoExtra = new Dictionary<string, object>();

    public void WriteTo(Utf8JsonWriter writer)
    {
        var issuedAt = IssuedAt.ToUnixTimeSeconds();
        writer.WriteStartObject();
        writer.WriteString("aud", Audience);
        writer.WriteString("iss", ClientId);
        writer.WriteString("sub", ClientId);
        writer.WriteString("jti", JwtId);
        writer.WriteNumber("iat", issuedAt);
        writer.WriteNumber("nbf", issuedAt);
        writer.WriteNumber("exp", issuedAt + (long)Lifetime.TotalSeconds);
        foreach (var (name, value) in Extra)
        {
            writer.WritePropertyName(name);
            WriteValue(writer, name, value);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case int i: writer.WriteNumberValue(i); break;
            case long l: writer.WriteNumberValue(l); break;
            case double d: writer.WriteNumberValue(d); break;
            case DateTimeOffset t: writer.WriteNumberValue(t.ToUnixTimeSeconds()); break;
            case JsonElement e: e.WriteTo(writer); break;
            case JsonNode n: n.WriteTo(writer); break;
            case IEnumerable<string> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    writer.WriteStringValue(item);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new ClientCredentialsConfigurationException("ExtraClaims", $"Extra claim '{UntrustedText.Neutralize(name, 64)}' has a value of type {value.GetType().Name}; use string, bool, int, long, double, DateTimeOffset, string[] or a System.Text.Json element.");
        }
    }
}
