using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClientCredentials.Emulator;

/// <summary>Reads a list whose items are strings (PEM or JWK text) or JWK objects, keeping each as text.</summary>
internal sealed class SigningKeyListConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("signingKeys must be an array of JWK objects or PEM strings.");
        }

        var keys = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    keys.Add(reader.GetString()!);
                    break;
                case JsonTokenType.StartObject:
                    using (var document = JsonDocument.ParseValue(ref reader))
                    {
                        keys.Add(document.RootElement.GetRawText());
                    }

                    break;
                default:
                    throw new JsonException("Each signingKeys entry must be a JWK object or a PEM string.");
            }
        }

        return keys;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var key in value)
        {
            writer.WriteStringValue(key);
        }

        writer.WriteEndArray();
    }
}
