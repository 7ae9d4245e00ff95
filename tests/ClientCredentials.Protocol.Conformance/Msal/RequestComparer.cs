using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Conformance.Msal;

/// <summary>
/// Compares MSAL's recorded token request with ours field by field: form fields, headers, and the client assertion's
/// header members and claims. Values that differ by nature are normalized to placeholders before comparing:
/// <c>client-request-id</c> values, <c>x-client-Ver</c> and <c>x-client-OS</c> values, <c>jti</c>, the time claims
/// (only their JSON type is kept), signatures (not compared), and certificate-derived strings.
/// </summary>
internal static class RequestComparer
{
    /// <summary>Set by the HTTP stack from the URL and the body, not by either library.</summary>
    private static readonly string[] TransportHeaders = ["host", "content-length", "connection"];

    private static readonly string[] TimeClaims = ["iat", "nbf", "exp"];

    public static IReadOnlyList<RequestDifference> Compare(DifferentialScenario scenario, WireMockRecordedRequest msal, WireMockRecordedRequest ours)
    {
        var differences = new List<RequestDifference>();
        var msalForm = msal.ReadForm();
        var ourForm = ours.ReadForm();
        foreach (var name in msalForm.Names.Concat(ourForm.Names).Distinct(StringComparer.Ordinal))
        {
            Add(differences, scenario, RequestDifference.Form, name, FormValue(msalForm, name), FormValue(ourForm, name));
        }

        foreach (var name in msal.Headers.Keys.Concat(ours.Headers.Keys).Select(n => n.ToLowerInvariant()).Distinct().Where(n => !TransportHeaders.Contains(n)))
        {
            Add(differences, scenario, RequestDifference.Header, name, HeaderValue(msal, name), HeaderValue(ours, name));
        }

        if (msalForm.Contains("client_assertion") && ourForm.Contains("client_assertion"))
        {
            var msalJwt = JwtParts.Decode(msalForm["client_assertion"]);
            var ourJwt = JwtParts.Decode(ourForm["client_assertion"]);
            CompareMembers(differences, scenario, RequestDifference.AssertionHeader, msalJwt.Header, ourJwt.Header);
            CompareMembers(differences, scenario, RequestDifference.AssertionClaim, msalJwt.Claims, ourJwt.Claims);
        }

        return differences;
    }

    private static void CompareMembers(List<RequestDifference> differences, DifferentialScenario scenario, string kind, JsonObject msal, JsonObject ours)
    {
        foreach (var name in msal.Select(p => p.Key).Concat(ours.Select(p => p.Key)).Distinct(StringComparer.Ordinal))
        {
            Add(differences, scenario, kind, name, AssertionValue(kind, name, msal, TestCertificates.SharedRsa2048), AssertionValue(kind, name, ours, TestCertificates.SharedRsa2048));
        }
    }

    private static void Add(List<RequestDifference> differences, DifferentialScenario scenario, string kind, string name, JsonNode? msal, JsonNode? ours)
    {
        var difference = RequestDifference.Of(scenario.Name, kind, name, msal, ours);
        if (difference.Msal != difference.Ours)
        {
            differences.Add(difference);
        }
    }

    private static JsonNode? FormValue(FormUrlEncodedBody form, string name)
    {
        var values = form.GetValues(name);
        if (values.Count == 0)
        {
            return null;
        }

        var normalized = values.Select(v => name == "client_assertion" ? "{jwt}" : v).ToArray();
        return normalized.Length == 1 ? JsonValue.Create(normalized[0]) : new JsonArray([.. normalized.Select(v => (JsonNode?)JsonValue.Create(v))]);
    }

    private static JsonNode? HeaderValue(WireMockRecordedRequest request, string name)
    {
        var value = request.GetHeader(name);
        return value is null ? null : JsonValue.Create(name switch
        {
            "client-request-id" => Guid.TryParse(value, out _) ? "{guid}" : value,
            "x-client-ver" => "{version}",
            "x-client-os" => "{os}",
            _ => value,
        });
    }

    private static JsonNode? AssertionValue(string kind, string name, JsonObject members, X509Certificate2 certificate)
    {
        if (!members.TryGetPropertyValue(name, out var value) || value is null)
        {
            return members.ContainsKey(name) ? JsonValue.Create("{json null}") : null;
        }

        if (kind == RequestDifference.AssertionClaim)
        {
            if (name == "jti")
            {
                return JsonValue.Create("{jti}");
            }

            if (TimeClaims.Contains(name))
            {
                return JsonValue.Create(value.GetValueKind() == JsonValueKind.Number ? "{NumericDate number}" : $"{{NumericDate as {value.GetValueKind().ToString().ToLowerInvariant()}}}");
            }

            return value.DeepClone();
        }

        return ReplaceCertificateStrings(value, certificate);
    }

    private static JsonNode? ReplaceCertificateStrings(JsonNode value, X509Certificate2 certificate)
    {
        if (value is JsonArray array)
        {
            return new JsonArray([.. array.Select(item => item is null ? null : ReplaceCertificateStrings(item, certificate))]);
        }

        if (value.GetValueKind() != JsonValueKind.String)
        {
            return value.DeepClone();
        }

        var text = value.GetValue<string>();
        return JsonValue.Create(text switch
        {
            _ when text == CertificateThumbprints.X5t(certificate) => "{x5t: base64url SHA-1 of the certificate}",
            _ when text == CertificateThumbprints.X5tS256(certificate) => "{x5t#S256: base64url SHA-256 of the certificate}",
            _ when text == Convert.ToBase64String(certificate.RawData) => "{base64 DER of the certificate}",
            _ when string.Equals(text, certificate.Thumbprint, StringComparison.OrdinalIgnoreCase) => "{hex SHA-1 thumbprint of the certificate}",
            _ => text,
        });
    }
}
