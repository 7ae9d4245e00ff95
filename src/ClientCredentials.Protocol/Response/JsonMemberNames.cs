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

        // A token response has a handful of members: their names are compared where they lie in the body, without a
        // string each. An escaped name, or more members than fit here, falls back to a set of unescaped names.
        Span<Range> names = stackalloc Range[MaxCompareInPlace];
        var count = 0;
        HashSet<string>? seen = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (seen is null && !reader.ValueIsEscaped && count < names.Length)
            {
                var start = (int)reader.TokenStartIndex + 1;
                var name = json.Slice(start, reader.ValueSpan.Length);
                foreach (var earlier in names[..count])
                {
                    if (json[earlier].SequenceEqual(name))
                    {
                        return reader.GetString();
                    }
                }

                names[count++] = new Range(start, start + name.Length);
            }
            else
            {
                if (seen is null)
                {
                    seen = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var earlier in names[..count])
                    {
                        seen.Add(System.Text.Encoding.UTF8.GetString(json[earlier]));
                    }
                }

                var name = reader.GetString()!;
                if (!seen.Add(name))
                {
                    return name;
                }
            }

            reader.Read();
            reader.Skip();
        }

        return null;
    }

    /// <summary>How many member names are compared in place before a set takes over.</summary>
    private const int MaxCompareInPlace = 32;
}
