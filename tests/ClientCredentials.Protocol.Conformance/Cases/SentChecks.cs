using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// Checks <c>expect.sent</c> (headers, form fields, the decoded client assertion and DPoP proof) on every token request
/// of a case, <c>expect.sentPerRequest</c> on one token request each, and <c>expect.requestGaps</c>, under the rules of
/// spec/conformance/README.md.
/// </summary>
internal sealed class SentChecks(CaseVerdict verdict, Func<string, string> placeholders, X509Certificate2? certificate, Func<int, long?> nowOf, AsymmetricAlgorithm? dpopKey)
{
    private static readonly TimeSpan GapSlack = TimeSpan.FromMilliseconds(50);

    public void Check(JsonObject sent, IReadOnlyList<WireMockRecordedRequest> requests)
    {
        var posts = requests.Where(r => r.Method == "POST").ToList();
        var positions = requests.Select((r, i) => (r, i)).Where(p => p.r.Method == "POST").Select(p => p.i).ToList();
        if (posts.Count == 0)
        {
            verdict.Add("sent: the client sent no token request");
            return;
        }

        Check("sent", sent, posts, positions);
    }

    /// <summary><c>expect.sentPerRequest</c>: item <i>i</i> (unless null) holds for the <i>i</i>-th token request alone.</summary>
    public void CheckEach(JsonArray perRequest, IReadOnlyList<WireMockRecordedRequest> requests)
    {
        var positions = requests.Select((r, i) => (r, i)).Where(p => p.r.Method == "POST").Select(p => p.i).ToList();
        if (perRequest.Count != positions.Count)
        {
            verdict.Add($"sentPerRequest: {perRequest.Count} item(s) for {positions.Count} token request(s)");
        }

        for (var index = 0; index < perRequest.Count && index < positions.Count; index++)
        {
            if (perRequest[index] is JsonObject sent)
            {
                Check($"sentPerRequest[{index}]", sent, [requests[positions[index]]], [positions[index]]);
            }
        }
    }

    private void Check(string where, JsonObject sent, IReadOnlyList<WireMockRecordedRequest> posts, IReadOnlyList<int> positions)
    {
        foreach (var (name, matcher) in sent["headers"]?.AsObject() ?? [])
        {
            Matcher($"{where}.headers.{name}", matcher!.AsObject(), posts.Select(r => r.GetHeader(name)).ToList());
        }

        var forms = posts.Select(r => FormUrlEncodedBody.Parse(r.Body)).ToList();
        if (sent["fieldNames"] is JsonArray names)
        {
            var want = names.Select(n => n!.GetValue<string>()).ToList();
            foreach (var (form, index) in forms.Select((f, i) => (f, i)))
            {
                if (!want.SequenceEqual(form.Names))
                {
                    verdict.Add($"{where}.fieldNames: request {index + 1} has fields [{string.Join(", ", form.Names)}], expected [{string.Join(", ", want)}]");
                }
            }
        }

        foreach (var (name, matcher) in sent["fields"]?.AsObject() ?? [])
        {
            Matcher($"{where}.fields.{name}", matcher!.AsObject(), forms.Select(f => Value(f, name)).ToList());
        }

        if (sent["assertion"] is JsonObject assertion)
        {
            Jwts($"{where}.assertion", assertion, [.. forms.Select(f => Value(f, "client_assertion"))], positions, Verifies);
        }

        if (sent["dpop"] is JsonObject dpop)
        {
            Jwts($"{where}.dpop", dpop, [.. posts.Select(r => r.GetHeader("DPoP"))], positions, VerifiesDPoP);
        }
    }

    public void Gaps(JsonArray gaps, IReadOnlyList<WireMockRecordedRequest> requests)
    {
        for (var index = 0; index < gaps.Count && index + 1 < requests.Count; index++)
        {
            if (gaps[index]?["atLeastSeconds"]?.GetValue<double>() is { } seconds)
            {
                var gap = requests[index + 1].LoggedAt - requests[index].LoggedAt;
                if (gap + GapSlack < TimeSpan.FromSeconds(seconds))
                {
                    verdict.Add($"requestGaps[{index}]: request {index + 2} came {gap.TotalSeconds:0.###} s after request {index + 1}, expected at least {seconds} s");
                }
            }
        }
    }

    private void Matcher(string where, JsonObject matcher, IReadOnlyList<string?> values)
    {
        for (var index = 0; index < values.Count; index++)
        {
            var value = values[index];
            if (matcher["equals"]?.GetValue<string>() is { } equals && value != placeholders(equals))
            {
                verdict.Add($"{where}: request {index + 1} sent {CaseVerdict.Show(value)}, expected {CaseVerdict.Show(placeholders(equals))}");
            }

            if (matcher["matches"]?.GetValue<string>() is { } pattern && (value is null || !Regex.IsMatch(value, "^(?:" + pattern + ")$")))
            {
                verdict.Add($"{where}: request {index + 1} sent {CaseVerdict.Show(value)}, which does not match {pattern}");
            }

            if (matcher["absent"] is not null && value is not null)
            {
                verdict.Add($"{where}: request {index + 1} sent {CaseVerdict.Show(value)}, expected nothing");
            }
        }

        if (matcher["sameOnEveryRequest"] is not null && values.Distinct().Count() > 1)
        {
            verdict.Add($"{where}: the value changed between requests: {string.Join(", ", values.Select(CaseVerdict.Show))}");
        }

        if (matcher["differentOnEveryRequest"] is not null && values.Distinct().Count() < values.Count)
        {
            verdict.Add($"{where}: two requests sent the same value");
        }
    }

    /// <summary>
    /// Checks compact JWS values sent one per request (the client assertion, or the DPoP proof): header and claim
    /// members, member order, the assertion lifetime, a <c>jti</c> per request, and the signature.
    /// </summary>
    private void Jwts(string what, JsonObject expected, IReadOnlyList<string?> jwts, IReadOnlyList<int> positions, Func<string?, string[], bool> verifies)
    {
        var jtis = new List<string?>();
        for (var index = 0; index < jwts.Count; index++)
        {
            var where = $"{what} (request {index + 1})";
            if (jwts[index] is not { } jwt)
            {
                verdict.Add($"{where}: nothing was sent");
                continue;
            }

            var parts = jwt.Split('.');
            if (parts.Length != 3 || Decode(parts[0]) is not JsonObject header || Decode(parts[1]) is not JsonObject claims)
            {
                verdict.Add($"{where}: not a compact JWS with JSON header and payload");
                continue;
            }

            Members($"{where}.header", expected["header"] as JsonObject, header, positions[index]);
            Members($"{where}.claims", expected["claims"] as JsonObject, claims, positions[index]);
            Names($"{where}.headerNames", expected["headerNames"] as JsonArray, header);
            Names($"{where}.claimNames", expected["claimNames"] as JsonArray, claims);
            jtis.Add(claims["jti"]?.ToString());
            if (expected["lifetimeSeconds"]?.GetValue<long>() is { } lifetime)
            {
                var iat = Integer(claims["iat"]);
                var nbf = Integer(claims["nbf"]);
                var exp = Integer(claims["exp"]);
                if (iat is null || nbf is null || exp is null || nbf != iat || exp - iat != lifetime)
                {
                    verdict.Add($"{where}: iat/nbf/exp must be JSON integers with nbf = iat and exp − iat = {lifetime}; got iat {claims["iat"]?.ToJsonString()}, nbf {claims["nbf"]?.ToJsonString()}, exp {claims["exp"]?.ToJsonString()}");
                }
            }

            if (expected["signatureVerifies"] is not null && !verifies(header["alg"]?.ToString(), parts))
            {
                verdict.Add($"{where}: the signature does not verify with the key of the case");
            }
        }

        if (expected["jtiUniquePerRequest"] is not null && jtis.Distinct().Count() < jtis.Count)
        {
            verdict.Add($"{what}.jtiUniquePerRequest: two requests sent the same jti");
        }
    }

    private void Names(string where, JsonArray? expected, JsonObject actual)
    {
        if (expected is null)
        {
            return;
        }

        var want = expected.Select(n => n!.GetValue<string>()).ToList();
        var got = actual.Select(member => member.Key).ToList();
        if (!want.SequenceEqual(got))
        {
            verdict.Add($"{where}: the members are [{string.Join(", ", got)}], expected [{string.Join(", ", want)}]");
        }
    }

    private void Members(string where, JsonObject? expected, JsonObject actual, int position)
    {
        foreach (var (name, value) in expected ?? [])
        {
            var got = actual[name];
            if (value is null)
            {
                if (actual.ContainsKey(name))
                {
                    verdict.Add($"{where}.{name}: expected no such member, got {got?.ToJsonString()}");
                }

                continue;
            }

            if (value is JsonObject or JsonArray || value.GetValueKind() != JsonValueKind.String)
            {
                // A JSON value other than a string (the proof's jwk, a number): the member equals it exactly.
                if (!JsonNode.DeepEquals(value, got))
                {
                    verdict.Add($"{where}.{name}: expected {value.ToJsonString()}, got {got?.ToJsonString() ?? "nothing"}");
                }

                continue;
            }

            var text = value.GetValue<string>();
            if (text == "${now}")
            {
                var now = nowOf(position);
                var sent = Integer(got);
                var slack = now is null ? 60 : 0;
                var reference = now ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                if (sent is null || Math.Abs(sent.Value - reference) > slack)
                {
                    verdict.Add($"{where}.{name}: expected the client's clock ({reference}{(slack > 0 ? " ± 60 s" : string.Empty)}) as a JSON integer, got {got?.ToJsonString() ?? "nothing"}");
                }

                continue;
            }

            var want = placeholders(text);
            if (got is not JsonValue v || v.GetValueKind() != JsonValueKind.String || v.GetValue<string>() != want)
            {
                verdict.Add($"{where}.{name}: expected '{want}', got {got?.ToJsonString() ?? "nothing"}");
            }
        }
    }

    /// <summary>A client assertion: HS256 with the <c>secret-jwt</c> secret, else with the credential's certificate.</summary>
    private bool Verifies(string? alg, string[] parts)
    {
        var data = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Base64Url(parts[2]);
        if (alg == "HS256")
        {
            return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(Encoding.UTF8.GetBytes(CaseCredentials.JwtSecret), data), signature);
        }

        if (certificate is null)
        {
            return false;
        }

        try
        {
            if (alg == "ES256")
            {
                using var ec = certificate.GetECDsaPublicKey();
                return ec is not null && ec.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }

            using var rsa = certificate.GetRSAPublicKey();
            return rsa is not null && alg is "RS256" or "PS256" &&
                rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, alg == "PS256" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>A DPoP proof: ES256 (R‖S) or PS256 with the public half of the case's DPoP key.</summary>
    private bool VerifiesDPoP(string? alg, string[] parts)
    {
        var data = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Base64Url(parts[2]);
        try
        {
            return (alg, dpopKey) switch
            {
                ("ES256", ECDsa ec) => ec.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
                ("PS256", RSA rsa) => rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
                _ => false,
            };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The first value of a form field, or null when the body has none.</summary>
    public static string? Value(FormUrlEncodedBody form, string name) =>
        form.Fields.Where(field => field.Key == name).Select(field => field.Value).FirstOrDefault();

    private static long? Integer(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number) ? number : null;

    private static JsonNode? Decode(string part)
    {
        try
        {
            return JsonNode.Parse(Base64Url(part));
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    private static byte[] Base64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }
}
