using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using ClientCredentials.Protocol.Properties.Generators;

namespace ClientCredentials.Protocol.Properties;

/// <summary>
/// The library's one-pass token response reader (<see cref="TokenEndpointJsonReader"/>) agrees with an independent
/// reader built from System.Text.Json — the serializer with numbers read from strings and extension data for other
/// members, and <see cref="JsonDocument"/> for the top-level kind and repeated member names — on every UTF-8 body:
/// invalid exactly when that one refuses the body, the same repeated name, the same values, and the same JSON text for
/// the members it does not interpret.
/// </summary>
public sealed class TokenResponseJsonProperties
{
    private static readonly JsonSerializerOptions OracleOptions = new()
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    // Integer spellings around the edges of §5.2's "integer string": signs, escapes, spaces, lengths, fractions.
    private static readonly Gen<string> EdgeNumbers = Gen.Elements(
        "+3599", "\"+3599\"", "\"-0\"", "\"+\"", "\"-\"", "\"\\u0033599\"", "\"\\u002b1\"", "\"3599 \"", "\"\\t1\"", "\"1.0\"",
        "\"00000000000000000001\"", "\"000000000000000000001\"", "\"-9223372036854775808\"", "\"9223372036854775808\"",
        "\"2147483647\"", "\"2147483648\"", "\"-2147483649\"", "\"+00000000001\"", "3.599e3", "1E2", "-0.0", "\"١٢\"");

    private static readonly Gen<string> EdgeNames = Gen.Elements(
        "access\\u005ftoken", "expires\\u005fin", "error\\u005fcodes", "Access_Token", "error_codes", "expires_in", "token_type", "x\\u0000", "\\ud800");

    private static readonly Gen<string> EdgeMember =
        from name in Gen.Frequency((3, Gen.Elements(ResponseGen.KnownMembers)), (1, EdgeNames))
        from value in Gen.Frequency(
            (3, EdgeNumbers),
            (2, ResponseGen.JsonValue(1, utf8Only: true)),
            (1, EdgeNumbers.ListOf().Select(items => "[" + string.Join(",", items) + "]")))
        select "\"" + name + "\":" + value;

    private static readonly Gen<byte[]> Bodies = Gen.Frequency(
        (3, ResponseGen.Body),
        (3, EdgeMember.ListOf().Select(members => Encoding.UTF8.GetBytes("{" + string.Join(",", members) + "}"))));

    [Property(MaxTest = 5000, EndSize = 30)]
    public Property The_one_pass_reader_agrees_with_system_text_json_on_every_body() =>
        Prop.ForAll(Bodies.ToArbitrary(), body =>
        {
            var (expected, actual) = BothReaders(body);
            return (actual == expected).Label($"expected {expected}, got {actual}");
        });

    private static (string Expected, string Actual) BothReaders(byte[] body)
    {
        ReadOnlySpan<byte> text = body.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? body.AsSpan(3) : body;
        if (text.IsEmpty || !Utf8.IsValid(text))
        {
            return ("refused before any JSON is read", "refused before any JSON is read");
        }

        var expected = Oracle(text.ToArray());
        try
        {
            var json = TokenEndpointJsonReader.Read(text, out var duplicate);
            return (expected, json is null ? "not an object" : duplicate is not null ? "duplicate " + duplicate : Describe(json));
        }
        catch (JsonException)
        {
            return (expected, "invalid");
        }
    }

    private static string Oracle(byte[] text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return "invalid";
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return "not an object";
            }

            OracleJson? json;
            try
            {
                json = JsonSerializer.Deserialize<OracleJson>(text, OracleOptions);
            }
            catch (JsonException)
            {
                return "invalid";
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (!names.Add(member.Name))
                {
                    return "duplicate " + member.Name;
                }
            }

            return Describe(new TokenEndpointJson
            {
                AccessToken = json!.AccessToken,
                TokenType = json.TokenType,
                ExpiresIn = json.ExpiresIn,
                ExtExpiresIn = json.ExtExpiresIn,
                RefreshIn = json.RefreshIn,
                ExpiresOn = json.ExpiresOn,
                Error = json.Error,
                ErrorDescription = json.ErrorDescription,
                ErrorCodes = json.ErrorCodes,
                SubError = json.SubError,
                Claims = json.Claims,
                TraceId = json.TraceId,
                CorrelationId = json.CorrelationId,
                Timestamp = json.Timestamp,
                ErrorUri = json.ErrorUri,
                Extra = json.Extra?.ToDictionary(pair => pair.Key, pair => pair.Value.GetRawText(), StringComparer.Ordinal),
            });
        }
    }

    private static string Describe(TokenEndpointJson json)
    {
        var codes = json.ErrorCodes is null ? "null" : string.Join(",", json.ErrorCodes.Select(c => c.ToString(CultureInfo.InvariantCulture)));
        var extra = json.Extra is null ? "" : string.Join(";", json.Extra.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
        return string.Join(
            "|",
            json.AccessToken, json.TokenType, json.ExpiresIn, json.ExtExpiresIn, json.RefreshIn, json.ExpiresOn, json.Error, json.ErrorDescription,
            codes, json.SubError, json.Claims, json.TraceId, json.CorrelationId, json.Timestamp, json.ErrorUri, extra);
    }

    private sealed class OracleJson
    {
        [JsonPropertyName("access_token")] public string? AccessToken { get; set; }
        [JsonPropertyName("token_type")] public string? TokenType { get; set; }
        [JsonPropertyName("expires_in")] public long? ExpiresIn { get; set; }
        [JsonPropertyName("ext_expires_in")] public long? ExtExpiresIn { get; set; }
        [JsonPropertyName("refresh_in")] public long? RefreshIn { get; set; }
        [JsonPropertyName("expires_on")] public long? ExpiresOn { get; set; }
        [JsonPropertyName("error")] public string? Error { get; set; }
        [JsonPropertyName("error_description")] public string? ErrorDescription { get; set; }
        [JsonPropertyName("error_codes")] public int[]? ErrorCodes { get; set; }
        [JsonPropertyName("suberror")] public string? SubError { get; set; }
        [JsonPropertyName("claims")] public string? Claims { get; set; }
        [JsonPropertyName("trace_id")] public string? TraceId { get; set; }
        [JsonPropertyName("correlation_id")] public string? CorrelationId { get; set; }
        [JsonPropertyName("timestamp")] public string? Timestamp { get; set; }
        [JsonPropertyName("error_uri")] public string? ErrorUri { get; set; }
        [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
    }
}
