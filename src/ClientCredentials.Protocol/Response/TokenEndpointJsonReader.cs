using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace ClientCredentials.Protocol;

/// <summary>
/// Reads a token endpoint response body into <see cref="TokenEndpointJson"/> in one pass of
/// <see cref="Utf8JsonReader"/>: strict JSON (RFC 8259: no comments, no trailing commas, nothing after the value), the
/// member types of RFC 6749 §5.1/§5.2 as spec/protocol.md §5.2 states them (strings; for lifetimes an integer or an
/// integer string — an optional sign and ASCII digits —; for <c>error_codes</c> an array of those; <c>null</c> reads
/// as absent), and every top-level member name compared after unescaping, so that a name given twice is found on the
/// way (RFC 8259 §4 leaves its meaning open). One pass instead of a serializer plus a second scan for duplicates.
/// </summary>
internal static class TokenEndpointJsonReader
{
    // Most frequent first: a success names token_type, expires_in, ext_expires_in and access_token.
    private static readonly string[] KnownNames =
    [
        "token_type", "expires_in", "ext_expires_in", "access_token", "refresh_in", "expires_on", "error",
        "error_description", "error_codes", "suberror", "claims", "trace_id", "correlation_id", "timestamp", "error_uri",
    ];

    private static readonly byte[][] KnownNamesUtf8 = [.. KnownNames.Select(Encoding.UTF8.GetBytes)];

    /// <summary>
    /// The members of <paramref name="utf8"/> (without a byte order mark), or null when the body is a JSON value other
    /// than an object. <paramref name="duplicate"/> is the first top-level name that occurs twice, or null; the body is
    /// still read to its end, so a syntax or type error anywhere wins over a duplicate.
    /// </summary>
    /// <exception cref="JsonException">The body is not strict JSON, or a member has the wrong type.</exception>
    public static TokenEndpointJson? Read(ReadOnlySpan<byte> utf8, out string? duplicate)
    {
        duplicate = null;
        var reader = new Utf8JsonReader(utf8);

        // On a final block Read throws when there is no value at all (white space only), so it stands on one now.
        reader.Read();

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            EnsureEnd(ref reader);
            return null;
        }

        var json = new TokenEndpointJson();
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = KnownMember(ref reader, out var escapedName);
            string name;
            if (member >= 0)
            {
                name = KnownNames[member];
                if ((seen & (1 << member)) != 0)
                {
                    duplicate ??= name;
                }

                // Stryker disable once Assignment : a name's second occurrence is found either way, and only the first repeat is reported
                seen |= 1 << member;
            }
            else
            {
                // Stryker disable once NullCoalescing : an escaped name unescapes to the same string a second time
                name = escapedName ?? GetString(ref reader, "a member name");
                if (json.Extra?.ContainsKey(name) == true)
                {
                    duplicate ??= name;
                }
            }

            reader.Read();
            switch (member)
            {
                case 0: json.TokenType = ReadString(ref reader, name); break;
                case 1: json.ExpiresIn = ReadInt64(ref reader, name); break;
                case 2: json.ExtExpiresIn = ReadInt64(ref reader, name); break;
                case 3: json.AccessToken = ReadString(ref reader, name); break;
                case 4: json.RefreshIn = ReadInt64(ref reader, name); break;
                case 5: json.ExpiresOn = ReadInt64(ref reader, name); break;
                case 6: json.Error = ReadString(ref reader, name); break;
                case 7: json.ErrorDescription = ReadString(ref reader, name); break;
                case 8: json.ErrorCodes = ReadInt32Array(ref reader, name); break;
                case 9: json.SubError = ReadString(ref reader, name); break;
                case 10: json.Claims = ReadString(ref reader, name); break;
                case 11: json.TraceId = ReadString(ref reader, name); break;
                case 12: json.CorrelationId = ReadString(ref reader, name); break;
                case 13: json.Timestamp = ReadString(ref reader, name); break;
                case 14: json.ErrorUri = ReadString(ref reader, name); break;
                default:
                    var extra = json.Extra ??= new Dictionary<string, string>(StringComparer.Ordinal);
                    extra.TryAdd(name, RawValue(ref reader, utf8));
                    break;
            }
        }

        EnsureEnd(ref reader);
        return json;
    }

    /// <summary>The index of a known member's name (compared after unescaping), or -1.</summary>
    private static int KnownMember(ref Utf8JsonReader reader, out string? escapedName)
    {
        escapedName = null;
        if (!reader.ValueIsEscaped)
        {
            var name = reader.ValueSpan;
            for (var i = 0; i < KnownNamesUtf8.Length; i++)
            {
                if (name.SequenceEqual(KnownNamesUtf8[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        escapedName = GetString(ref reader, "a member name");
        return Array.IndexOf(KnownNames, escapedName);
    }

    /// <summary>
    /// The reader stands on the object's end (or a whole non-object value): only white space may follow. Reading on
    /// checks that: the reader, which allows one top-level value, throws on anything else and returns false at the end.
    /// </summary>
    private static void EnsureEnd(ref Utf8JsonReader reader) => reader.Read();

    /// <summary>The value's JSON text as sent (as <c>JsonElement.GetRawText</c> gives it), for members not interpreted.</summary>
    private static string RawValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return Encoding.UTF8.GetString(utf8[start..(int)reader.BytesConsumed]);
    }

    private static string? ReadString(ref Utf8JsonReader reader, string member) => reader.TokenType switch
    {
        JsonTokenType.String => GetString(ref reader, member),
        JsonTokenType.Null => null,
        _ => throw WrongType(member, "a string"),
    };

    private static long? ReadInt64(ref Utf8JsonReader reader, string member)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number when reader.TryGetInt64(out var number):
                return number;
            case JsonTokenType.String when TryReadIntegerString(ref reader, int32: false, out var number):
                return number;
            default:
                throw WrongType(member, "an integer or an integer string (signed 64-bit)");
        }
    }

    private static int[]? ReadInt32Array(ref Utf8JsonReader reader, string member)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw WrongType(member, "an array of integers or integer strings");
        }

        var values = new List<int>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number))
            {
                values.Add(number);
            }
            else if (reader.TokenType == JsonTokenType.String && TryReadIntegerString(ref reader, int32: true, out var text))
            {
                values.Add((int)text);
            }
            else
            {
                throw WrongType(member, "an array of integers or integer strings (signed 32-bit)");
            }
        }

        return [.. values];
    }

    /// <summary>
    /// An integer string: after unescaping, an optional <c>+</c> or <c>-</c> and ASCII digits, nothing else (leading
    /// zeros allowed), in the range of <paramref name="int32"/> ? 32 : 64 bits.
    /// </summary>
    private static bool TryReadIntegerString(ref Utf8JsonReader reader, bool int32, out long value)
    {
        // Stryker disable once Block : an unescaped value reads the same through GetString below (non-ASCII or invalid text is no integer either way)
        if (!reader.ValueIsEscaped)
        {
            return TryParseInteger(reader.ValueSpan, int32, out value);
        }

        // Rare: digits written as \u escapes. Read as text; anything not ASCII cannot be an integer anyway.
        value = 0;
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        return Ascii.IsValid(text) && TryParseInteger(Encoding.ASCII.GetBytes(text), int32, out value);
    }

    private static bool TryParseInteger(ReadOnlySpan<byte> text, bool int32, out long value)
    {
        int consumed;
        bool parsed;
        if (int32)
        {
            parsed = Utf8Parser.TryParse(text, out int small, out consumed);
            value = small;
        }
        else
        {
            parsed = Utf8Parser.TryParse(text, out value, out consumed);
        }

        return parsed && consumed == text.Length;
    }

    /// <summary>A string value, unescaped; a lone surrogate escape (<c>"\ud800"</c>) is not text, so the body is not valid JSON.</summary>
    private static string GetString(ref Utf8JsonReader reader, string what)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException($"{what} holds an escape that is not a Unicode character.", ex);
        }
    }

    private static JsonException WrongType(string member, string expected) =>
        new($"The member '{member}' must be {expected} or null.");
}
