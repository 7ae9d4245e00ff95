using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Fuzz.Targets;

namespace ClientCredentials.Protocol.Fuzz.Seeds;

/// <summary>
/// Writes the committed seed corpus (<c>corpus/{target}/</c>) from the spec: every response of every conformance case
/// (real AAD and AD FS bodies), the vectors' JWTs and token requests, and a few tokens shaped like AAD's. Deterministic
/// except for signatures of the PS256 and ES256 examples, which the vectors already fix.
/// </summary>
public static class SeedCorpus
{
    /// <summary>The name prefix of inputs found by fuzzing and kept in the corpus.</summary>
    public const string FoundPrefix = "found-";

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(string repositoryRoot, TextWriter log)
    {
        var spec = Path.Combine(repositoryRoot, "spec");
        var corpus = Path.Combine(repositoryRoot, "tests", "ClientCredentials.Protocol.Fuzz", "corpus");
        var assertions = VectorJwts(spec).ToList();
        Save(corpus, "response", Responses(spec), log);
        Save(corpus, "jwt", assertions.Select(a => (a.Name, Encoding.UTF8.GetBytes(a.Jwt))).Concat(AccessTokens()), log);
        Save(corpus, "assertion", assertions.Select(a => (a.Name, Encoding.UTF8.GetBytes(a.Jwt))).Append(("federated", Encoding.UTF8.GetBytes(FederatedAssertion()))), log);
        Save(corpus, "form", Requests(spec, assertions), log);
    }

    private static void Save(string corpus, string target, IEnumerable<(string Name, byte[] Content)> seeds, TextWriter log)
    {
        // Inputs the fuzzer found (named found-*) stay: they are the regression cases of fixed bugs.
        var folder = Path.Combine(corpus, target);
        Directory.CreateDirectory(folder);
        foreach (var old in Directory.EnumerateFiles(folder).Where(f => !Path.GetFileName(f).StartsWith(FoundPrefix, StringComparison.Ordinal)))
        {
            File.Delete(old);
        }

        var count = 0;
        foreach (var (name, content) in seeds)
        {
            File.WriteAllBytes(Path.Combine(folder, name), content);
            count++;
        }

        log.WriteLine($"{target}: {count} seeds in {folder}");
    }

    /// <summary>Each mapping's response of each conformance case, as <c>{status} {kind}</c>, headers, body.</summary>
    private static IEnumerable<(string, byte[])> Responses(string spec)
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(spec, "conformance"), "*.json").Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(file) == "case.schema.json")
            {
                continue;
            }

            var node = JsonNode.Parse(File.ReadAllText(file))!;
            var kind = (string)node["client"]!["kind"]!;
            var mappings = node["mappings"]!.AsArray();
            for (var i = 0; i < mappings.Count; i++)
            {
                var response = mappings[i]!["response"]!;
                var head = new StringBuilder().Append((int)response["status"]!).Append(' ').Append(kind).Append('\n');
                foreach (var (name, value) in response["headers"]?.AsObject() ?? [])
                {
                    head.Append(name).Append(": ").Append((string)value!).Append('\n');
                }

                var body = response["body"] is { } text ? (string)text! : response["jsonBody"]!.ToJsonString(Compact);
                var seedName = Path.GetFileNameWithoutExtension(file) + (mappings.Count > 1 ? $"-{i + 1}" : string.Empty);
                yield return (seedName, Encoding.UTF8.GetBytes(head.Append('\n').Append(body).ToString()));
            }
        }
    }

    private static IEnumerable<(string Name, string Jwt, string TokenEndpoint)> VectorJwts(string spec)
    {
        var vectors = JsonNode.Parse(File.ReadAllText(Path.Combine(spec, "vectors", "client-assertions.json")))!["vectors"]!.AsArray();
        foreach (var vector in vectors)
        {
            var expected = vector!["expected"]!;
            yield return ((string)vector["name"]!, (string)(expected["jwt"] ?? expected["exampleJwt"])!, (string)vector["input"]!["tokenEndpoint"]!);
        }
    }

    /// <summary>Access tokens shaped like AAD's (app-only and delegated), and the odd shapes <c>decode</c> meets.</summary>
    private static IEnumerable<(string, byte[])> AccessTokens()
    {
        var appOnly = Unsigned(
            """{"typ":"JWT","alg":"RS256","x5t":"JDNa_4i4r7FgigL3sHIlI3xV-IU","kid":"JDNa_4i4r7FgigL3sHIlI3xV-IU"}""",
            """{"aud":"https://graph.microsoft.com","iss":"https://sts.windows.net/72f988bf-0000-4000-8000-000000000001/","iat":1767225600,"nbf":1767225600,"exp":1767229500,"aio":"k2BgYJh","app_displayname":"orders-worker","appid":"00001111-aaaa-2222-bbbb-3333cccc4444","appidacr":"1","idp":"https://sts.windows.net/72f988bf-0000-4000-8000-000000000001/","idtyp":"app","oid":"9f0e1b2c-0000-4000-8000-000000000002","rh":"0.AAAA","roles":["User.Read.All","Mail.Send"],"sub":"9f0e1b2c-0000-4000-8000-000000000002","tid":"72f988bf-0000-4000-8000-000000000001","uti":"AbCdEf","ver":"1.0","xms_tcdt":1234567890}""",
            "c2lnbmF0dXJl");
        var appOnlyWithoutRoles = Unsigned(
            """{"typ":"JWT","alg":"RS256","kid":"k1"}""",
            """{"aud":"api://sample-api","iss":"https://login.microsoftonline.com/72f988bf-0000-4000-8000-000000000001/v2.0","iat":1767225600,"nbf":1767225600,"exp":1767225000,"azp":"00001111-aaaa-2222-bbbb-3333cccc4444","azpacr":"1","idtyp":"app","ver":"2.0"}""",
            "c2ln");
        var delegated = Unsigned(
            """{"typ":"JWT","nonce":"AQABAAAAAAD","alg":"RS256","x5t":"k1","kid":"k1"}""",
            """{"aud":["00000003-0000-0000-c000-000000000000","https://graph.microsoft.com"],"iss":"https://sts.windows.net/t/","iat":"1767225600","nbf":"1767229200","exp":"1767232800","scp":"User.Read  Mail.Read openid","name":"Ada","upn":"ada@contoso.com","ver":"1.0"}""",
            "c2lnbmF0dXJl");
        yield return ("aad-app-only", Encoding.UTF8.GetBytes(appOnly));
        yield return ("aad-app-only-no-roles-expired", Encoding.UTF8.GetBytes(appOnlyWithoutRoles));
        yield return ("aad-delegated-graph-nonce-string-times", Encoding.UTF8.GetBytes(delegated));
        yield return ("bearer-prefix", Encoding.UTF8.GetBytes("Bearer " + appOnly + "\n"));
        yield return ("unsecured", Encoding.UTF8.GetBytes(Unsigned("""{"alg":"none"}""", """{"exp":1.5e9,"nbf":-1,"iat":253402300800}""", string.Empty)));
        yield return ("jwe-five-parts", "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a2V5.aXY.Y2lwaGVy.dGFn"u8.ToArray());
    }

    /// <summary>Token requests: the vectors' exact bodies, assertion requests with the vectors' JWTs, v1, federated, multipart.</summary>
    private static IEnumerable<(string, byte[])> Requests(string spec, IReadOnlyList<(string Name, string Jwt, string TokenEndpoint)> assertions)
    {
        const string form = "application/x-www-form-urlencoded";
        var v2 = $"/{EmulatorDirectory.Domain}/oauth2/v2.0/token";
        var vectors = JsonNode.Parse(File.ReadAllText(Path.Combine(spec, "vectors", "token-requests.json")))!["vectors"]!.AsArray();
        foreach (var vector in vectors)
        {
            var expected = vector!["expected"]!;
            var headers = expected["headers"]!;
            var path = new Uri((string)expected["url"]!).AbsolutePath;
            yield return ("vector-" + (string)vector["name"]!, Request(path, (string)headers["Content-Type"]!, (string?)headers["Authorization"], (string)expected["body"]!));
        }

        foreach (var (name, jwt, tokenEndpoint) in assertions)
        {
            var clientId = EmulatorDirectory.ClientId;
            var body = $"client_id={clientId}&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion={jwt}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&grant_type=client_credentials";
            var path = tokenEndpoint.Contains(EmulatorDirectory.Host, StringComparison.Ordinal) ? new Uri(tokenEndpoint).AbsolutePath : v2;
            yield return ("assertion-" + name, Request(path, form, null, body));
        }

        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{EmulatorDirectory.ClientId}:{Uri.EscapeDataString(EmulatorDirectory.Secret)}"));
        yield return ("secret-basic-v1", Request($"/{EmulatorDirectory.Domain}/oauth2/token", form, "Basic " + basic, "grant_type=client_credentials&resource=https%3A%2F%2Fgraph.microsoft.com"));
        yield return ("federated", Request(v2, form, null,
            $"client_id={EmulatorDirectory.FederatedClientId}&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion={FederatedAssertion()}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&grant_type=client_credentials"));
        yield return ("multipart", Request(v2, "multipart/form-data; boundary=b0", null,
            $"--b0\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--b0\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\n{EmulatorDirectory.ClientId}\r\n--b0\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\n{EmulatorDirectory.Secret}\r\n--b0\r\nContent-Disposition: form-data; name=\"scope\"\r\n\r\nhttps://graph.microsoft.com/.default\r\n--b0--\r\n"));
        yield return ("raw-form-body", Encoding.UTF8.GetBytes($"grant_type=client_credentials&client_id={EmulatorDirectory.ClientId}&client_secret=wrong&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&client_id=again"));
    }

    private static byte[] Request(string path, string contentType, string? authorization, string body)
    {
        var text = new StringBuilder($"POST {path}\nContent-Type: {contentType}\n");
        if (authorization is not null)
        {
            text.Append("Authorization: ").Append(authorization).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.Append('\n').Append(body).ToString());
    }

    /// <summary>A workload identity token from the federated issuer the emulator directory trusts, signed RS256 with the TEST-ONLY key.</summary>
    private static string FederatedAssertion()
    {
        using var key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(EmulatorDirectory.KeyPath("TEST-ONLY-rsa2048.key.pem")));
        var now = EmulatorDirectory.Now.ToUnixTimeSeconds();
        var signingInput = B64("""{"alg":"RS256","typ":"JWT"}""") + "." +
            B64($$"""{"iss":"{{EmulatorDirectory.FederatedIssuer}}","sub":"{{EmulatorDirectory.FederatedSubject}}","aud":"api://AzureADTokenExchange","jti":"federated-seed-1","iat":{{now - 60}},"nbf":{{now - 60}},"exp":{{now + 600}}}""");
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    private static string Unsigned(string header, string payload, string signature) => B64(header) + "." + B64(payload) + "." + signature;

    private static string B64(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
