using System.Globalization;
using System.Net;
using System.Text;

namespace ClientCredentials.Protocol.Properties.Generators;

/// <summary>A token endpoint response as the reader receives it.</summary>
public sealed record GeneratedResponse(HttpStatusCode Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, AuthorityKind Kind, TimeSpan? DefaultLifetime)
{
    /// <summary>Shown by FsCheck when a property fails: status, headers and the body as text.</summary>
    public override string ToString() =>
        $"{(int)Status} {Kind} {DefaultLifetime} [{string.Join("; ", Headers.Select(h => h.Key + ": " + h.Value))}] {Encoding.UTF8.GetString(Body)}";
}

/// <summary>
/// Token endpoint responses: JSON objects built member by member from RFC 6749 and AAD names with values of every JSON
/// type (numbers as strings, huge and negative numbers, escapes, lone surrogates, nesting), missing and duplicate
/// members; the same broken (truncated, bytes that are not UTF-8); other text; random bytes; any status and headers.
/// </summary>
public static class ResponseGen
{
    public static readonly string[] KnownMembers =
    [
        "access_token", "token_type", "expires_in", "ext_expires_in", "refresh_in", "expires_on", "not_before", "resource",
        "error", "error_description", "error_codes", "suberror", "claims", "trace_id", "correlation_id", "timestamp", "error_uri", "scope",
    ];

    private static readonly HttpStatusCode[] CommonStatuses = [HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized,
        HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable];

    public static Gen<HttpStatusCode> Status { get; } = Gen.Frequency(
        (6, Gen.Elements(CommonStatuses)),
        (1, Gen.Choose(100, 999).Select(c => (HttpStatusCode)c)));

    // Placeholders (private use, never produced by TextGen) that Utf8 turns into byte sequences that are not UTF-8.
    private static readonly (string Placeholder, byte[] Bytes)[] NotUtf8 =
    [
        ("\ue000", [0xFF]), ("\ue001", [0xC3]), ("\ue002", [0xED, 0xA0, 0x80]), ("\ue003", [0xC0, 0xAF]), ("\ue004", [0x9E]),
    ];

    /// <summary>The UTF-8 bytes of generated JSON text, with each placeholder replaced by its byte sequence that is not UTF-8.</summary>
    public static byte[] Utf8(string json)
    {
        var bytes = new List<byte>(json.Length);
        foreach (var rune in json.EnumerateRunes())
        {
            var special = Array.FindIndex(NotUtf8, n => n.Placeholder == rune.ToString());
            bytes.AddRange(special >= 0 ? NotUtf8[special].Bytes : Encoding.UTF8.GetBytes(rune.ToString()));
        }

        return [.. bytes];
    }

    /// <summary>JSON text of a string: plain, escaped, or with escapes of lone surrogates and control characters.</summary>
    public static Gen<string> JsonString { get; } = Gen.Frequency(
        (6, TextGen.WellFormed.Select(Quote)),
        (2, Gen.Elements("\"\\ud800\"", "\"a\\udc00b\"", "\"\\ud83d\\ude00\"", "\"\\u0000\"", "\"\\/\\\\\\\"\"", "\"Trace ID: \\r\\nCorrelation ID: x Timestamp: \"", "\"AADSTS7000215: x\"")),
        (1, Gen.Constant("\"\"")));

    /// <summary><see cref="JsonString"/>, or a string holding bytes that are not UTF-8 (as placeholders for <see cref="Utf8"/>).</summary>
    public static Gen<string> AnyJsonString { get; } = Gen.Frequency(
        (8, JsonString),
        (1, Gen.Zip(TextGen.WellFormed, Gen.Elements(NotUtf8.Select(n => n.Placeholder).ToArray())).Select(t => Quote(t.Item1 + t.Item2))));

    /// <summary>JSON text of a number, as a number or as a string (AAD sends both).</summary>
    public static Gen<string> JsonNumber { get; } = Gen.Frequency(
        (4, Gen.Choose(-10, 100000).Select(n => n.ToString(CultureInfo.InvariantCulture))),
        (3, Gen.Elements("0", "3599", "-1", "315360000", "315360001", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "99999999999999999999", "1e3", "1E400", "3599.5", "-0", "253402300799", "253402300800", "2147483648")),
        (3, Gen.Elements("\"3599\"", "\"0\"", "\"-5\"", "\"1e3\"", "\" 12\"", "\"0x10\"", "\"\"", "\"99999999999999999999\"", "\"1767229200\"")));

    /// <summary>Any JSON value up to <paramref name="depth"/> levels of nesting; with <paramref name="utf8Only"/>, every string is UTF-8.</summary>
    public static Gen<string> JsonValue(int depth, bool utf8Only = false)
    {
        var strings = utf8Only ? JsonString : AnyJsonString;
        return depth <= 0
            ? Gen.Frequency((4, strings), (4, JsonNumber), (1, Gen.Elements("true", "false", "null")))
            : Gen.Frequency(
                (4, strings),
                (4, JsonNumber),
                (1, Gen.Elements("true", "false", "null")),
                (1, JsonValue(depth - 1, utf8Only).ListOf().Select(items => "[" + string.Join(",", items) + "]")),
                (1, JsonObject(depth - 1, utf8Only)));
    }

    /// <summary>An object whose members are drawn from the known names (each possibly twice) and others, in any order.</summary>
    public static Gen<string> JsonObject(int depth, bool utf8Only = false) =>
        Gen.Zip(Gen.Frequency((5, Gen.Elements(KnownMembers)), (1, TextGen.WellFormed)), JsonValue(depth, utf8Only))
            .Select(m => Quote(m.Item1) + ":" + m.Item2)
            .ListOf()
            .Select(members => "{" + string.Join(",", members) + "}");

    /// <summary>A success (RFC 6749 §5.1) with members added in any order and kind: the bodies that reach the end of the reader.</summary>
    public static Gen<string> SuccessObject { get; } =
        from token in AnyJsonString
        from expiresIn in JsonNumber
        from others in JsonObject(2)
        select "{\"access_token\":" + token + ",\"expires_in\":" + expiresIn + (others.Length > 2 ? "," + others[1..] : "}");

    /// <summary>Bodies: objects, success-shaped objects, broken objects, other JSON, other text, random bytes, empty.</summary>
    public static Gen<byte[]> Body { get; } = Gen.Frequency(
        (6, JsonObject(2).Select(Utf8)),
        (4, SuccessObject.Select(Utf8)),
        (3, from json in Gen.OneOf(JsonObject(2), SuccessObject) from at in Gen.Choose(0, 1000) from how in Gen.Elements(0, 1, 2) select Break(Utf8(json), at, how)),
        (1, JsonValue(1).Select(Utf8)),
        (1, Gen.Elements("<html><body>502 Bad Gateway</body></html>", "Too Many Requests", "{", "}", "[]", "\ufeff{}", "{\"a\":1,}", "{/*c*/}").Select(Encoding.UTF8.GetBytes)),
        (2, Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf()),
        (1, Gen.Constant(Array.Empty<byte>())));

    public static Gen<IReadOnlyList<KeyValuePair<string, string>>> Headers { get; } = Gen.Frequency(
            (3, Gen.Elements("0", "1", "120", "-5", "99999999999", "abc", "1.5", " 3 ").Select(v => new KeyValuePair<string, string>("Retry-After", v))),
            (3, Gen.Elements("Fri, 31 Dec 2100 23:59:59 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT", "31 Dec 2100", "Wed, 31 Feb 2100 00:00:00 GMT")
                .Select(v => new KeyValuePair<string, string>("Retry-After", v))),
            (2, TextGen.Any.Select(v => new KeyValuePair<string, string>("Retry-After", v))),
            (2, Gen.Zip(Gen.Elements("x-ms-request-id", "client-request-id", "WWW-Authenticate", "x-ms-clitelem", "Cache-Control"), TextGen.Any).Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2))))
        .ListOf()
        .Select(list => (IReadOnlyList<KeyValuePair<string, string>>)list.ToList());

    public static Gen<GeneratedResponse> Response { get; } =
        from status in Status
        from headers in Headers
        from body in Body
        from kind in Gen.Elements(AuthorityKind.Entra, AuthorityKind.Adfs, AuthorityKind.Generic)
        from lifetime in Gen.Frequency((2, Gen.Constant<TimeSpan?>(null)), (1, Gen.Choose(1, 100000).Select(s => (TimeSpan?)TimeSpan.FromSeconds(s))))
        select new GeneratedResponse(status, headers, body, kind, lifetime);

    /// <summary>JSON string literal of <paramref name="text"/> with the escapes JSON requires.</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Truncates (0), inserts a byte that is not UTF-8 (1), or flips a byte (2) at a position.</summary>
    private static byte[] Break(byte[] body, int at, int how)
    {
        if (body.Length == 0)
        {
            return body;
        }

        var i = at % body.Length;
        return how switch
        {
            0 => body[..i],
            1 => [.. body[..i], 0xFF, .. body[i..]],
            _ => [.. body[..i], (byte)(body[i] ^ 0x5A), .. body[(i + 1)..]],
        };
    }
}
