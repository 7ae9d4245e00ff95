using System.Text.Json;

namespace ClientCredentials.Protocol;

/// <summary>
/// Finds a member named twice in a JSON object. RFC 8259 §4 leaves the meaning of duplicate names open (one parser
/// keeps the first value, another the last), so a token response that has one is refused rather than guessed at.
/// </summary>
internal static class JsonMemberNames
{
    /// <summary>
    /// The first top-level member name (unescaped) that occurs again, or null. <paramref name="json"/> must be a
    /// syntactically valid JSON value; a value other than an object has no members.
    /// </summary>
    public static string? FirstDuplicate(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        HashSet<string>? seen = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            seen ??= new HashSet<string>(StringComparer.Ordinal);
            if (!seen.Add(name))
            {
                return name;
            }

            reader.Read();
            reader.Skip();
        }

        return null;
    }
}
