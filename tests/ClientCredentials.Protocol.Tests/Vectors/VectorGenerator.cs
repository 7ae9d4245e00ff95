using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Protocol.Tests.Vectors;

/// <summary>
/// Produces the content of every <c>spec/vectors</c> group file by running the library on fixed inputs. The inputs
/// live here; every expected value comes from the library. Signatures of randomized algorithms (PS256, ES256) are
/// kept from the committed file while they still verify, so that regenerating changes nothing that did not change.
/// </summary>
internal static class VectorGenerator
{
    public const string RegenerateVariable = "CLIENTCREDENTIALS_REGENERATE_VECTORS";

    public const string ClientId = "00001111-aaaa-2222-bbbb-3333cccc4444";
    public const string Jti = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string EntraEndpoint = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";
    private const string AdfsEndpoint = "https://sts.contoso.com/adfs/oauth2/token";
    private const string GenericEndpoint = "https://auth.example.com/oauth2/token";

    private static readonly JsonSerializerOptions FileOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NewLine = "\n",
    };

    /// <summary>Every group file's text, keyed by file name.</summary>
    public static IReadOnlyDictionary<string, string> Generate(string existingDirectory)
    {
        var groups = new Dictionary<string, JsonObject>
        {
            ["certificate-thumbprints.json"] = Thumbprints(),
            ["client-assertions.json"] = Assertions(existingDirectory),
            ["certificate-checks.json"] = CertificateChecks(),
            ["basic-credentials.json"] = BasicCredentialVectors(),
            ["resource-scopes.json"] = ResourceScopes(),
            ["scope-validation.json"] = ScopeValidation(),
            ["token-endpoints.json"] = TokenEndpoints(),
            ["form-encoding.json"] = FormEncoding(),
            ["token-requests.json"] = TokenRequests(),
        };
        return groups.ToDictionary(g => g.Key, g => g.Value.ToJsonString(FileOptions) + "\n");
    }

    /// <summary>Writes the TEST ONLY keys and certificates into <paramref name="directory"/> when they are missing.</summary>
    public static void CreateKeysIfMissing(string directory)
    {
        var keys = Path.Combine(directory, "keys");
        Directory.CreateDirectory(keys);
        var notBefore = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var notAfter = new DateTimeOffset(2045, 1, 1, 0, 0, 0, TimeSpan.Zero);
        if (!File.Exists(Path.Combine(directory, VectorFiles.RsaPrivateKey)))
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=ClientCredentials.Protocol TEST ONLY RSA, O=TEST ONLY - DO NOT TRUST", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(notBefore, notAfter);
            WritePem(directory, VectorFiles.RsaPrivateKey, rsa.ExportPkcs8PrivateKeyPem(), "private key");
            WritePem(directory, VectorFiles.RsaCertificate, certificate.ExportCertificatePem(), "certificate");
        }

        if (!File.Exists(Path.Combine(directory, VectorFiles.Rsa1024PrivateKey)))
        {
            // Too short for any server: only ever used to show that the client refuses it.
            using var rsa = RSA.Create(1024);
            var request = new CertificateRequest("CN=ClientCredentials.Protocol TEST ONLY RSA-1024, O=TEST ONLY - DO NOT TRUST", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(notBefore, notAfter);
            WritePem(directory, VectorFiles.Rsa1024PrivateKey, rsa.ExportPkcs8PrivateKeyPem(), "private key");
            WritePem(directory, VectorFiles.Rsa1024Certificate, certificate.ExportCertificatePem(), "certificate");
        }

        if (!File.Exists(Path.Combine(directory, VectorFiles.EcPrivateKey)))
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=ClientCredentials.Protocol TEST ONLY EC, O=TEST ONLY - DO NOT TRUST", ec, HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(notBefore, notAfter);
            WritePem(directory, VectorFiles.EcPrivateKey, ec.ExportPkcs8PrivateKeyPem(), "private key");
            WritePem(directory, VectorFiles.EcCertificate, certificate.ExportCertificatePem(), "certificate");
        }
    }

    private static void WritePem(string directory, string relative, string pem, string what) =>
        File.WriteAllText(
            Path.Combine(directory, relative),
            $"TEST ONLY {what}: published in the ClientCredentials.Protocol spec vectors so that anyone can reproduce\n" +
            "them. It proves nothing; never register it with, or trust it in, a real identity provider.\n" +
            pem + "\n");

    private static JsonObject Group(string name, string description, JsonArray vectors) => new()
    {
        ["group"] = name,
        ["description"] = description,
        ["generatedBy"] = "tests/ClientCredentials.Protocol.Tests/Vectors/VectorGenerator.cs (" + RegenerateVariable + "=1 dotnet test ...)",
        ["vectors"] = vectors,
    };

    private static JsonObject Vector(string name, string description, JsonNode input, JsonNode expected) => new()
    {
        ["name"] = name,
        ["description"] = description,
        ["input"] = input,
        ["expected"] = expected,
    };

    private static JsonObject ErrorOf(ClientCredentialsConfigurationException ex, params string[] notInMessage)
    {
        var error = new JsonObject { ["type"] = "configuration", ["setting"] = ex.Setting };
        if (notInMessage.Length > 0)
        {
            foreach (var text in notInMessage)
            {
                if (ex.Message.Contains(text, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"The message of the {ex.Setting} error contains '{text}': {ex.Message}");
                }
            }

            error["notInMessage"] = new JsonArray(notInMessage.Select(t => (JsonNode)t).ToArray());
        }

        return new JsonObject { ["error"] = error };
    }

    private static JsonObject Thumbprints()
    {
        var vectors = new JsonArray();
        foreach (var (name, file, keyFile) in new[] { ("rsa2048", VectorFiles.RsaCertificate, VectorFiles.RsaPrivateKey), ("ec-p256", VectorFiles.EcCertificate, VectorFiles.EcPrivateKey) })
        {
            var certificate = VectorFiles.LoadCertificate(file, null);
            using var withKey = VectorFiles.LoadCertificate(file, keyFile);
            using var dpopKey = CertificateThumbprintVectorTests.DPoPKeyOf(withKey);
            vectors.Add(Vector(
                name,
                $"x5t, x5t#S256 and x5c of the TEST ONLY {name} certificate; the public JWK of its key and that JWK's RFC 7638 thumbprint (a DPoP key's thumbprint, protocol.md §16.1).",
                new JsonObject { ["certificate"] = file, ["privateKey"] = keyFile },
                new JsonObject
                {
                    ["sha1Hex"] = certificate.Thumbprint,
                    ["x5t"] = CertificateThumbprints.X5t(certificate),
                    ["x5t#S256"] = CertificateThumbprints.X5tS256(certificate),
                    ["x5c"] = new JsonArray(Convert.ToBase64String(certificate.RawData)),
                    ["jwk"] = CertificateThumbprintVectorTests.PublicJwk(withKey),
                    ["jwkThumbprint"] = dpopKey.Thumbprint,
                }));
        }

        return Group("certificate-thumbprints", "JWS certificate thumbprints (RFC 7515 §4.1.6-4.1.8) of the TEST ONLY certificates, and the RFC 7638 JWK thumbprints of their keys.", vectors);
    }

    private sealed record AssertionCase(
        string Name,
        string Description,
        string Key,
        AuthorityKind Kind,
        string TokenEndpoint,
        ClientAssertionAlgorithm Algorithm = ClientAssertionAlgorithm.Automatic,
        int LifetimeSeconds = 600,
        string? KeyId = null,
        bool SendCertificateChain = false,
        JsonObject? ExtraClaims = null);

    private static readonly AssertionCase[] AssertionCases =
    [
        new("entra-ps256", "Entra: PS256 with x5t#S256 (randomized signature).", "rsa", AuthorityKind.Entra, EntraEndpoint),
        new("entra-rs256-forced", "Entra with Algorithm = RS256 (also the PSS fallback's output): x5t, deterministic.", "rsa", AuthorityKind.Entra, EntraEndpoint, ClientAssertionAlgorithm.RS256),
        new("adfs-rs256", "AD FS: RS256 with x5t (SHA-1), deterministic.", "rsa", AuthorityKind.Adfs, AdfsEndpoint),
        new("generic-rs256-kid", "Generic server with a kid header.", "rsa", AuthorityKind.Generic, GenericEndpoint, KeyId: "test-key-1"),
        new("generic-rs256-x5c", "Generic server with x5c (array of standard Base64 DER, leaf first).", "rsa", AuthorityKind.Generic, GenericEndpoint, SendCertificateChain: true),
        new("entra-ps256-x5c", "Entra with x5c, as subject name + issuer authentication uses (randomized signature).", "rsa", AuthorityKind.Entra, EntraEndpoint, SendCertificateChain: true),
        new(
            "generic-rs256-extra-claims",
            "Extra claims after the defaults, in the given order, with a 1-hour lifetime; shows how strings are escaped.",
            "rsa",
            AuthorityKind.Generic,
            GenericEndpoint,
            LifetimeSeconds: 3600,
            ExtraClaims: new JsonObject
            {
                ["tenant_region"] = "EU",
                ["level"] = 3,
                ["ratio"] = 2.5,
                ["enabled"] = true,
                ["groups"] = new JsonArray("a", "b"),
                ["details"] = new JsonObject { ["x"] = 1, ["y"] = new JsonArray(true, null) },
                ["note"] = "café \"quoted\" back\\slash <tag> & a+b ~ 😀 tab\tend",
            }),
        new("generic-es256", "Generic server with an EC P-256 key: ES256 with x5t (randomized signature).", "ec", AuthorityKind.Generic, GenericEndpoint),
    ];

    public static CertificateCredentialOptions OptionsFrom(JsonObject input)
    {
        var options = input["options"]!.AsObject();
        var extra = new Dictionary<string, object>();
        if (options["extraClaims"] is JsonObject claims)
        {
            foreach (var (name, value) in claims)
            {
                extra[name] = ClaimValue(value);
            }
        }

        return new CertificateCredentialOptions
        {
            Algorithm = Enum.Parse<ClientAssertionAlgorithm>((string)options["algorithm"]!),
            AssertionLifetime = TimeSpan.FromSeconds((int)options["assertionLifetimeSeconds"]!),
            KeyId = (string?)options["keyId"],
            SendCertificateChain = (bool)options["sendCertificateChain"]!,
            ExtraClaims = extra,
        };
    }

    /// <summary>How a caller would pass a JSON claim: strings, integers, doubles and booleans as .NET values, string arrays as string[], anything else as a JsonElement.</summary>
    private static object ClaimValue(JsonNode? value)
    {
        var element = JsonSerializer.SerializeToElement(value);
        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString()!,
            JsonValueKind.True or JsonValueKind.False => element.GetBoolean(),
            JsonValueKind.Number when element.TryGetInt64(out var l) => l,
            JsonValueKind.Number => element.GetDouble(),
            JsonValueKind.Array when element.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => element.EnumerateArray().Select(e => e.GetString()!).ToArray(),
            _ => element,
        };
    }

    private static JsonObject Assertions(string existingDirectory)
    {
        var existing = ExistingVectors(existingDirectory, "client-assertions.json");
        var vectors = new JsonArray();
        foreach (var c in AssertionCases)
        {
            var (certificateFile, keyFile) = c.Key == "rsa" ? (VectorFiles.RsaCertificate, VectorFiles.RsaPrivateKey) : (VectorFiles.EcCertificate, VectorFiles.EcPrivateKey);
            var input = new JsonObject
            {
                ["certificate"] = certificateFile,
                ["privateKey"] = keyFile,
                ["authorityKind"] = c.Kind.ToString(),
                ["clientId"] = ClientId,
                ["tokenEndpoint"] = c.TokenEndpoint,
                ["now"] = Now.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["nowUnix"] = Now.ToUnixTimeSeconds(),
                ["jti"] = Jti,
                ["options"] = new JsonObject
                {
                    ["algorithm"] = c.Algorithm.ToString(),
                    ["assertionLifetimeSeconds"] = c.LifetimeSeconds,
                    ["keyId"] = c.KeyId,
                    ["sendCertificateChain"] = c.SendCertificateChain,
                    ["extraClaims"] = c.ExtraClaims?.DeepClone(),
                },
            };

            var certificate = VectorFiles.LoadCertificate(certificateFile, keyFile);
            var credential = new CertificateCredential(certificate, OptionsFrom(input));
            var jwt = credential.CreateAssertion(ClientId, new Uri(c.TokenEndpoint), c.Kind, Now, Jti);
            var parts = jwt.Split('.');
            var header = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[0]));
            var alg = JsonNode.Parse(header)!["alg"]!.GetValue<string>();
            var signingInput = parts[0] + "." + parts[1];
            var expected = new JsonObject
            {
                ["alg"] = alg,
                ["headerJson"] = header,
                ["payloadJson"] = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])),
                ["signingInput"] = signingInput,
                ["deterministic"] = alg == "RS256",
            };

            if (alg == "RS256")
            {
                expected["signature"] = parts[2];
                expected["jwt"] = jwt;
            }
            else
            {
                var signature = parts[2];
                var kept = existing?.FirstOrDefault(v => (string?)v!["name"] == c.Name)?["expected"]?["exampleSignature"]?.GetValue<string>();
                if (kept is not null && Verifies(alg, certificate, signingInput, kept))
                {
                    signature = kept;
                }

                expected["verification"] = alg == "PS256"
                    ? "RSASSA-PSS (RFC 8017 §8.1) over the ASCII bytes of signingInput: SHA-256, MGF1 with SHA-256, salt length 32 bytes; the signature is 256 bytes, base64url without padding. Verify with the certificate's public key."
                    : "ECDSA P-256 with SHA-256 over the ASCII bytes of signingInput; the signature is the 64-byte R || S (RFC 7518 §3.4), base64url without padding. Verify with the certificate's public key.";
                expected["exampleSignature"] = signature;
                expected["exampleJwt"] = signingInput + "." + signature;
            }

            vectors.Add(Vector(c.Name, c.Description, input, expected));
        }

        return Group("client-assertions", "Certificate client assertions (RFC 7523 §3) as this library writes them for fixed inputs.", vectors);
    }

    /// <summary>A certificate credential, a kind and a time: the algorithm chosen, or the refusal (protocol.md §4.3).</summary>
    private static JsonObject CertificateChecks()
    {
        var vectors = new JsonArray();
        var notBefore = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var notAfter = new DateTimeOffset(2045, 1, 1, 0, 0, 0, TimeSpan.Zero);
        void Add(string name, string description, string certificate, string? key, AuthorityKind kind, DateTimeOffset now, string algorithm = "Automatic", int lifetime = 600, JsonObject? extraClaims = null)
        {
            var input = new JsonObject
            {
                ["certificate"] = certificate,
                ["privateKey"] = key,
                ["authorityKind"] = kind.ToString(),
                ["now"] = now.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                ["nowUnix"] = now.ToUnixTimeSeconds(),
                ["options"] = new JsonObject
                {
                    ["algorithm"] = algorithm,
                    ["assertionLifetimeSeconds"] = lifetime,
                    ["keyId"] = null,
                    ["sendCertificateChain"] = false,
                    ["extraClaims"] = extraClaims,
                },
            };
            JsonObject expected;
            try
            {
                var jwt = CertificateCheckCases.CreateAssertion(input);
                expected = new JsonObject { ["alg"] = JsonNode.Parse(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(jwt.Split('.')[0])))!["alg"]!.GetValue<string>() };
            }
            catch (ClientCredentialsConfigurationException ex)
            {
                expected = ErrorOf(ex);
            }

            vectors.Add(Vector(name, description, input, expected));
        }

        Add("valid-at-not-before", "Valid from its NotBefore instant on.", VectorFiles.RsaCertificate, VectorFiles.RsaPrivateKey, AuthorityKind.Entra, notBefore);
        Add("not-yet-valid", "One second before NotBefore the certificate is refused.", VectorFiles.RsaCertificate, VectorFiles.RsaPrivateKey, AuthorityKind.Entra, notBefore.AddSeconds(-1));
        Add("valid-at-not-after", "Still valid at its NotAfter instant.", VectorFiles.RsaCertificate, VectorFiles.RsaPrivateKey, AuthorityKind.Adfs, notAfter);
        Add("expired", "One second after NotAfter the certificate is refused.", VectorFiles.RsaCertificate, VectorFiles.RsaPrivateKey, AuthorityKind.Entra, notAfter.AddSeconds(1));
        Add("no-private-key", "A certificate without its private key cannot sign.", VectorFiles.RsaCertificate, null, AuthorityKind.Entra, Now);
        Add("rsa-1024", "An RSA key under 2048 bits is refused.", VectorFiles.Rsa1024Certificate, VectorFiles.Rsa1024PrivateKey, AuthorityKind.Generic, Now);
        Add("ec-with-entra", "Entra ID accepts only RSA certificates.", VectorFiles.EcCertificate, VectorFiles.EcPrivateKey, AuthorityKind.Entra, Now);
        Add("ec-with-generic", "An EC P-256 key signs ES256 for a generic server.", VectorFiles.EcCertificate, VectorFiles.EcPrivateKey, AuthorityKind.Generic, Now);
        Add("es256-with-rsa", "ES256 needs an EC key.", VectorFiles.RsaCertificate, VectorFiles.RsaPrivateKey, AuthorityKind.Generic, Now, "ES256");
        Add("ps256-with-ec", "PS256 needs an RSA key.", VectorFiles.EcCertificate, VectorFiles.EcPrivateKey, AuthorityKind.Generic, Now, "PS256");
        Add("rs256-with-ec", "RS256 needs an RSA key.", VectorFiles.EcCertificate, VectorFiles.EcPrivateKey, AuthorityKind.Adfs, Now, "RS256");
        Add("ps256-for-adfs", "An explicit PS256 is used for any kind.", VectorFiles.RsaCertificate, VectorFiles.RsaPrivateKey, AuthorityKind.Adfs, Now, "PS256");
        Add("lifetime-zero", "The assertion lifetime must be more than 0 s.", VectorFiles.RsaCertificate, VectorFiles.RsaPrivateKey, AuthorityKind.Entra, Now, lifetime: 0);
        Add("lifetime-one-hour", "A lifetime of exactly 3600 s is accepted.", VectorFiles.RsaCertificate, VectorFiles.RsaPrivateKey, AuthorityKind.Entra, Now, lifetime: 3600);
        Add("lifetime-over-one-hour", "A lifetime over 3600 s is refused.", VectorFiles.RsaCertificate, VectorFiles.RsaPrivateKey, AuthorityKind.Entra, Now, lifetime: 3601);
        foreach (var reserved in new[] { "aud", "iss", "sub", "jti", "iat", "nbf", "exp" })
        {
            Add($"extra-claim-{reserved}", $"An extra claim may not be named {reserved}: the library sets it itself.", VectorFiles.RsaCertificate, VectorFiles.RsaPrivateKey, AuthorityKind.Generic, Now, extraClaims: new JsonObject { [reserved] = "x" });
        }

        return Group("certificate-checks", "Certificate and assertion option checks (protocol.md §4.3): the algorithm used, or the configuration error with its Setting.", vectors);
    }

    public static bool Verifies(string alg, X509Certificate2 certificate, string signingInput, string signature)
    {
        var data = Encoding.ASCII.GetBytes(signingInput);
        var bytes = Base64UrlEncoder.DecodeBytes(signature);
        if (alg == "ES256")
        {
            using var ec = certificate.GetECDsaPublicKey()!;
            return ec.VerifyData(data, bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        using var rsa = certificate.GetRSAPublicKey()!;
        return rsa.VerifyData(data, bytes, HashAlgorithmName.SHA256, alg == "PS256" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
    }

    private static JsonArray? ExistingVectors(string directory, string group)
    {
        var path = Path.Combine(directory, group);
        return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!["vectors"]!.AsArray() : null;
    }

    private static JsonObject BasicCredentialVectors()
    {
        (string Name, string Id, string Secret)[] cases =
        [
            ("plain", ClientId, "s3cr3t"),
            ("colon-in-secret", ClientId, "pass:word"),
            ("colon-in-client-id", "urn:client:1", "secret"),
            ("percent-and-plus", ClientId, "100%+sure"),
            ("spaces", "my client", "a secret with spaces"),
            ("non-ascii", "clïent-日本", "sécret-😀"),
            ("aad-style-secret", ClientId, "Abc8Q~xyz.-_0123456789abcdefghijklmn"),
            ("reserved-punctuation", ClientId, "a&b=c?d/e#f*g!h'i(j)k"),
        ];
        var vectors = new JsonArray();
        foreach (var (name, id, secret) in cases)
        {
            var encoded = FormUrlEncoding.Encode(id) + ":" + FormUrlEncoding.Encode(secret);
            vectors.Add(Vector(
                name,
                "client_secret_basic: id and secret form-url-encoded (RFC 6749 §2.3.1), joined with ':', UTF-8, Base64.",
                new JsonObject { ["clientId"] = id, ["clientSecret"] = secret },
                new JsonObject { ["userPass"] = encoded, ["authorization"] = "Basic " + BasicCredentials.Encode(id, secret) }));
        }

        return Group("basic-credentials", "HTTP Basic client authentication header values (RFC 6749 §2.3.1, RFC 7617).", vectors);
    }

    private static JsonObject ResourceScopes()
    {
        (string Name, string Resource)[] cases =
        [
            ("app-id-uri", "https://graph.microsoft.com"),
            ("v1-resource-with-trailing-slash", "https://database.windows.net/"),
            ("application-id", "00000003-0000-0000-c000-000000000000"),
            ("api-scheme", "api://contoso-orders"),
            ("path-resource", "https://contoso.com/orders"),
            ("already-a-scope", "https://graph.microsoft.com/.default"),
            ("already-a-scope-other-case", "https://graph.microsoft.com/.DEFAULT"),
            ("empty", ""),
            ("white-space-only", "   "),
            ("contains-space", "https://graph.microsoft.com https://vault.azure.net"),
            ("non-ascii", "https://bücher.example/api"),
            ("contains-quote", "api://orders\"v2"),
        ];
        var vectors = new JsonArray();
        foreach (var (name, resource) in cases)
        {
            JsonObject expected;
            try
            {
                expected = new JsonObject { ["scope"] = ClientCredentialsScope.FromResource(resource) };
            }
            catch (ClientCredentialsConfigurationException ex)
            {
                expected = new JsonObject { ["error"] = new JsonObject { ["type"] = "configuration", ["setting"] = ex.Setting } };
            }

            vectors.Add(Vector(name, "ClientCredentialsScope.FromResource.", new JsonObject { ["resource"] = resource }, expected));
        }

        return Group("resource-scopes", "Resource (app id URI or application id) to client-credentials scope: resource + \"/.default\".", vectors);
    }

    private static JsonObject ScopeValidation()
    {
        (string Name, AuthorityKind Kind, string[] Scopes)[] cases =
        [
            ("entra-one-default", AuthorityKind.Entra, ["https://graph.microsoft.com/.default"]),
            ("entra-duplicates-ignoring-case", AuthorityKind.Entra, ["https://graph.microsoft.com/.default", "HTTPS://GRAPH.MICROSOFT.COM/.default"]),
            ("entra-double-slash", AuthorityKind.Entra, ["https://database.windows.net//.default"]),
            ("entra-two-resources", AuthorityKind.Entra, ["https://graph.microsoft.com/.default", "https://vault.azure.net/.default"]),
            ("entra-delegated-scope", AuthorityKind.Entra, ["User.Read"]),
            ("entra-none", AuthorityKind.Entra, []),
            ("adfs-one-default", AuthorityKind.Adfs, ["https://api.contoso.com/.default"]),
            ("adfs-plain-scope", AuthorityKind.Adfs, ["openid"]),
            ("generic-several-with-duplicate", AuthorityKind.Generic, ["orders.read", "orders.write", "orders.read"]),
            ("generic-case-sensitive", AuthorityKind.Generic, ["Read", "read"]),
            ("generic-none", AuthorityKind.Generic, []),
            ("generic-space-inside", AuthorityKind.Generic, ["orders.read orders.write"]),
            ("generic-quote", AuthorityKind.Generic, ["a\"b"]),
            ("generic-backslash", AuthorityKind.Generic, ["a\\b"]),
            ("generic-empty", AuthorityKind.Generic, [""]),
            ("generic-non-ascii", AuthorityKind.Generic, ["lecture-données"]),
        ];
        var vectors = new JsonArray();
        foreach (var (name, kind, scopes) in cases)
        {
            JsonObject expected;
            try
            {
                var sent = ClientCredentialsScope.Validate(scopes, kind);
                expected = new JsonObject
                {
                    ["scopes"] = new JsonArray(sent.Select(s => (JsonNode)s).ToArray()),
                    ["scopeParameter"] = sent.Count == 0 ? null : string.Join(' ', sent),
                    ["scopeFormField"] = sent.Count == 0 ? null : "scope=" + FormUrlEncoding.Encode(string.Join(' ', sent)),
                };
            }
            catch (ClientCredentialsConfigurationException ex)
            {
                expected = new JsonObject { ["error"] = new JsonObject { ["type"] = "configuration", ["setting"] = ex.Setting } };
            }

            vectors.Add(Vector(
                name,
                "Scope checks before sending, and the scope parameter sent (null: no scope parameter).",
                new JsonObject { ["authorityKind"] = kind.ToString(), ["scopes"] = new JsonArray(scopes.Select(s => (JsonNode)s).ToArray()) },
                expected));
        }

        return Group("scope-validation", "Scopes as given → scopes sent (de-duplicated, order kept), or the configuration error.", vectors);
    }

    private static JsonObject TokenEndpoints()
    {
        var vectors = new JsonArray();
        void Add(string name, string description, JsonObject input, params string[] notInMessage)
        {
            JsonObject expected;
            try
            {
                var authority = TokenEndpointCases.Build(input, out var handler);
                var endpoint = authority.GetTokenEndpointAsync(new HttpClient(handler), CancellationToken.None).AsTask().GetAwaiter().GetResult();
                expected = new JsonObject
                {
                    ["authorityKind"] = authority.Kind.ToString(),
                    ["tokenEndpoint"] = endpoint.AbsoluteUri,
                    ["cacheIdentity"] = authority.CacheIdentity,
                };
                if (handler.RequestedUri is { } discovery)
                {
                    expected["discoveryUrl"] = discovery.AbsoluteUri;
                }
            }
            catch (ClientCredentialsConfigurationException ex)
            {
                expected = ErrorOf(ex, notInMessage);
            }

            vectors.Add(Vector(name, description, input, expected));
        }

        JsonObject Entra(string tenant, string? instance = null) => new() { ["type"] = "entra", ["tenant"] = tenant, ["instance"] = instance };
        JsonObject Adfs(string authority) => new() { ["type"] = "adfs", ["authority"] = authority };
        JsonObject Endpoint(string uri) => new() { ["type"] = "tokenEndpoint", ["uri"] = uri };
        JsonObject Oidc(string issuer, string documentIssuer, string tokenEndpoint) => new()
        {
            ["type"] = "oidcIssuer",
            ["issuer"] = issuer,
            ["discoveryDocument"] = new JsonObject { ["issuer"] = documentIssuer, ["token_endpoint"] = tokenEndpoint },
        };

        Add("entra-guid", "Tenant id, public cloud by default.", Entra("72f988bf-86f1-41af-91ab-2d7cd011db47"));
        Add("entra-domain-mixed-case", "A verified domain keeps its case in the URL; the cache identity is lower case.", Entra("Contoso.onmicrosoft.com"));
        Add("entra-tenant-trimmed", "Surrounding white space is trimmed.", Entra("  contoso.com  "));
        Add("entra-us-government", "Instance given as a host.", Entra("contoso.com", EntraInstance.UsGovernment));
        Add("entra-china-url", "Instance given as a URL with a trailing slash.", Entra("contoso.com", "https://login.chinacloudapi.cn/"));
        Add("entra-alias-login-windows-net", "Requests go to the alias host; the cache identity maps it to login.microsoftonline.com.", Entra("contoso.com", "login.windows.net"));
        Add("entra-alias-sts-windows-net", "sts.windows.net is an alias too.", Entra("contoso.com", "https://sts.windows.net"));
        Add("entra-loopback-http", "Plain http is accepted for a loopback host (an emulator).", Entra("contoso.com", "http://127.0.0.1:5000"));
        Add("entra-host-with-port", "A host with a port and no scheme means https.", Entra("contoso.com", "localhost:8443"));
        Add("entra-common", "/common cannot issue app-only tokens (AADSTS90010): refused before sending.", Entra("common"));
        Add("entra-organizations", "/organizations is refused, in any case.", Entra("Organizations"));
        Add("entra-consumers", "/consumers is refused.", Entra("consumers"));
        Add("entra-empty-tenant", "A tenant is required.", Entra(""));
        Add("entra-tenant-with-path", "Only the tenant, not a path.", Entra("contoso.com/v2.0"));
        Add("entra-tenant-url", "Only the tenant, not a URL.", Entra("https://login.microsoftonline.com/contoso.com"));
        Add("entra-tenant-dot", "'.' is a path segment a URL resolver drops: refused.", Entra("."));
        Add("entra-tenant-dot-dot", "'..' is a path segment a URL resolver drops: refused.", Entra(".."));
        Add("entra-tenant-leading-hyphen", "A tenant starts with a letter or digit.", Entra("-contoso.com"));
        Add("entra-tenant-trailing-dot", "A tenant does not end with '.'.", Entra("contoso.com."));
        Add("entra-tenant-too-long", "A tenant has at most 253 characters.", Entra(new string('a', 254)));
        Add("entra-tenant-253-characters", "253 characters are allowed.", Entra(new string('a', 253)));
        Add("entra-tenant-control-characters", "A tenant with CR, LF and ESC is refused, and the message does not repeat them raw (it neutralises configuration text).", Entra("contoso.com\r\nX-Forged: 1\u001b[2J"), "\r", "\n", "\u001b");
        Add("entra-instance-plain-http", "Plain http to a non-loopback host is refused.", Entra("contoso.com", "http://login.microsoftonline.com"));
        Add("entra-instance-with-path", "The instance may not carry a path.", Entra("contoso.com", "https://login.microsoftonline.com/contoso.com"));
        Add("entra-instance-host-with-slash", "A host followed by '/' without a scheme is not a host name.", Entra("contoso.com", "login.microsoftonline.com/"));
        Add("entra-instance-query", "The instance may not carry a query; the message does not repeat it.", Entra("contoso.com", "https://login.microsoftonline.com/?slice=testslice"), "slice=testslice");
        Add("entra-instance-other-scheme", "Only https (and loopback http).", Entra("contoso.com", "ftp://login.microsoftonline.com"));
        Add("adfs", "AD FS authority → {authority}/oauth2/token.", Adfs("https://sts.contoso.com/adfs"));
        Add("adfs-trailing-slash", "A trailing slash changes nothing.", Adfs("https://sts.contoso.com/adfs/"));
        Add("adfs-upper-case-path-and-port", "The path keeps its case; the cache identity is lower case.", Adfs("https://STS.contoso.com:8443/ADFS"));
        Add("adfs-without-adfs-path", "The path must end in /adfs.", Adfs("https://sts.contoso.com/"));
        Add("adfs-plain-http", "Plain http to a non-loopback host is refused.", Adfs("http://sts.contoso.com/adfs"));
        Add("adfs-query", "No query.", Adfs("https://sts.contoso.com/adfs?x=1"));
        Add("adfs-user-info", "No credentials in the URL; the message does not repeat them.", Adfs("https://user:s3cr3t@sts.contoso.com/adfs"), "s3cr3t");
        Add("token-endpoint", "An explicit token endpoint is used as given.", Endpoint("https://auth.example.com/oauth2/token"));
        Add("token-endpoint-loopback-http", "Loopback http is accepted.", Endpoint("http://localhost:8080/token"));
        Add("token-endpoint-plain-http", "Plain http to a non-loopback host is refused.", Endpoint("http://auth.example.com/oauth2/token"));
        Add("token-endpoint-fragment", "No fragment (RFC 6749 §3.2); the message does not repeat it.", Endpoint("https://auth.example.com/oauth2/token#access_token=abc"), "access_token=abc");
        Add("token-endpoint-query", "No query: parameters go in the body; the message does not repeat it.", Endpoint("https://auth.example.com/oauth2/token?client_secret=s3cr3t"), "s3cr3t");
        Add("token-endpoint-user-info", "No credentials in the URL; the message does not repeat them.", Endpoint("https://client:s3cr3t@auth.example.com/oauth2/token"), "s3cr3t");
        Add("loopback-ipv4-other-address", "Every address in 127.0.0.0/8 is loopback.", Endpoint("http://127.0.0.2:8080/token"));
        Add("loopback-ipv4-short-form", "127.1 is 127.0.0.1 to a URL parser.", Endpoint("http://127.1:8080/token"));
        Add("loopback-ipv6", "[::1] is loopback.", Endpoint("http://[::1]:8080/token"));
        Add("loopback-ipv4-mapped-ipv6", "[::ffff:127.0.0.1] is loopback.", Endpoint("http://[::ffff:127.0.0.1]:8080/token"));
        Add("loopback-localhost-upper-case", "localhost compares case-insensitively.", Endpoint("http://LOCALHOST:8080/token"));
        Add("not-loopback-localhost-trailing-dot", "localhost. (with a trailing dot) is not the loopback name.", Endpoint("http://localhost.:8080/token"));
        Add("not-loopback-subdomain-of-localhost", "foo.localhost is not the loopback name.", Endpoint("http://foo.localhost:8080/token"));
        Add("not-loopback-unspecified-ipv4", "0.0.0.0 is not a loopback address.", Endpoint("http://0.0.0.0:8080/token"));
        Add("not-loopback-unspecified-ipv6", "[::] is not a loopback address.", Endpoint("http://[::]:8080/token"));
        Add("not-loopback-name-resolving-to-loopback", "A name that resolves to 127.0.0.1 is not a loopback host: the check is on the URL, not on DNS.", Endpoint("http://127.0.0.1.nip.io:8080/token"));
        Add("token-endpoint-relative", "The URL must be absolute.", Endpoint("oauth2/token"));
        Add("oidc-issuer", "Discovery at {issuer}/.well-known/openid-configuration.", Oidc("https://auth.example.com", "https://auth.example.com", "https://auth.example.com/oauth2/token"));
        Add("oidc-issuer-with-path-and-slash", "A trailing slash of the issuer is dropped before the well-known path; the document must name the issuer exactly as configured.", Oidc("https://auth.example.com/realms/test/", "https://auth.example.com/realms/test/", "https://auth.example.com/realms/test/protocol/openid-connect/token"));
        Add("oidc-issuer-mismatch", "The document's issuer must equal the configured issuer (OIDC Discovery §4.3).", Oidc("https://auth.example.com", "https://auth.example.com/", "https://auth.example.com/oauth2/token"));
        Add("oidc-token-endpoint-plain-http", "A discovered token endpoint must be https (or loopback http).", Oidc("https://auth.example.com", "https://auth.example.com", "http://auth.example.com/oauth2/token"));
        Add("oidc-issuer-plain-http", "Plain http issuer to a non-loopback host is refused before discovery.", Oidc("http://auth.example.com", "http://auth.example.com", "https://auth.example.com/oauth2/token"));

        return Group("token-endpoints", "Authority configuration → the token endpoint requests are POSTed to (and assertions' aud), the cache identity, or the configuration error with its Setting.", vectors);
    }

    private static JsonObject FormEncoding()
    {
        string[] values =
        [
            "abcXYZ019",
            "-._*",
            "~",
            "a b",
            "a+b",
            "a&b=c",
            "100%",
            "https://graph.microsoft.com/.default",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "{\"access_token\":{\"xms_cc\":{\"values\":[\"cp1\"]}}}",
            "line\r\nbreak",
            "é",
            "日本",
            "😀",
            "!'()",
            "",
        ];
        var vectors = new JsonArray();
        var index = 0;
        foreach (var value in values)
        {
            vectors.Add(Vector(
                $"value-{++index:00}",
                "One value: UTF-8; A-Z a-z 0-9 and *-._ kept; space as '+'; every other byte as %XX (upper-case hex).",
                new JsonObject { ["value"] = value },
                new JsonObject { ["encoded"] = FormUrlEncoding.Encode(value) }));
        }

        return Group("form-encoding", "application/x-www-form-urlencoded encoding of single values (WHATWG URL §5.2 byte serializer).", vectors);
    }

    private static JsonObject TokenRequests()
    {
        var vectors = new JsonArray();
        void Add(string name, string description, JsonObject input, params string[] notInMessage)
        {
            HttpRequestMessage request;
            try
            {
                request = TokenRequestCases.Create(input);
            }
            catch (ClientCredentialsConfigurationException ex)
            {
                vectors.Add(Vector(name, description, input, ErrorOf(ex, [.. (string?)input["credential"]!["secret"] is { Length: > 0 } secret ? [secret] : Array.Empty<string>(), .. notInMessage])));
                return;
            }

            using var _ = request;
            var headers = new JsonObject();
            foreach (var header in TokenRequestCases.ComparedHeaders)
            {
                headers[header] = TokenRequestCases.HeaderValue(request, header);
            }

            vectors.Add(Vector(name, description, input, new JsonObject
            {
                ["method"] = request.Method.Method,
                ["url"] = request.RequestUri!.AbsoluteUri,
                ["headers"] = headers,
                ["body"] = request.Content!.ReadAsStringAsync().GetAwaiter().GetResult(),
            }));
        }

        JsonObject Input(JsonObject authority, JsonObject credential, string[] scopes, string? claims = null, JsonArray? extra = null, string clientId = ClientId, string correlationId = "11111111-2222-4333-8444-555555555555") => new()
        {
            ["authority"] = authority,
            ["clientId"] = clientId,
            ["credential"] = credential,
            ["scopes"] = new JsonArray(scopes.Select(s => (JsonNode)s).ToArray()),
            ["claims"] = claims,
            ["extraParameters"] = extra ?? [],
            ["correlationId"] = correlationId,
        };

        var entra = new JsonObject { ["type"] = "entra", ["tenant"] = "contoso.onmicrosoft.com" };
        var generic = new JsonObject { ["type"] = "tokenEndpoint", ["uri"] = GenericEndpoint };
        var adfs = new JsonObject { ["type"] = "adfs", ["authority"] = "https://sts.contoso.com/adfs" };
        JsonObject Post(string secret) => new() { ["type"] = "secret", ["transport"] = "post", ["secret"] = secret };
        JsonObject Basic(string secret) => new() { ["type"] = "secret", ["transport"] = "basic", ["secret"] = secret };
        var assertion = new JsonObject { ["type"] = "assertion", ["assertion"] = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln" };

        Add("entra-secret-post", "client_secret_post: client_id and client_secret in the body.", Input(entra.DeepClone().AsObject(), Post("Abc8Q~xyz.-_0123"), ["https://graph.microsoft.com/.default"]));
        Add("entra-secret-basic", "client_secret_basic: Authorization header, and no client_id in the body.", Input(entra.DeepClone().AsObject(), Basic("Abc8Q~xyz.-_0123"), ["https://graph.microsoft.com/.default"]));
        Add("entra-assertion", "A client assertion (here from a callback returning a fixed JWT): client_id, client_assertion_type, client_assertion.", Input(entra.DeepClone().AsObject(), assertion.DeepClone().AsObject(), ["https://graph.microsoft.com/.default"]));
        Add("entra-claims-challenge", "A claims challenge goes after scope and before grant_type.", Input(entra.DeepClone().AsObject(), Post("s"), ["https://graph.microsoft.com/.default"], "{\"access_token\":{\"nbf\":{\"essential\":true,\"value\":\"1700000000\"}}}"));
        Add("adfs-secret-post", "AD FS gets the same body, at {authority}/oauth2/token.", Input(adfs.DeepClone().AsObject(), Post("s"), ["https://api.contoso.com/.default"]));
        Add("generic-scopes-and-extras", "Several scopes joined by one space; extra parameters last, in order; an extra with an empty value is dropped.", Input(generic.DeepClone().AsObject(), Post("p@ss w+rd"), ["orders.read", "orders.write", "orders.read"], extra: [new JsonArray("resource", "https://api.example.com/"), new JsonArray("audience", "orders"), new JsonArray("empty", "")]));
        Add("generic-no-scope", "No scopes: no scope parameter.", Input(generic.DeepClone().AsObject(), Basic("s:e%c+r e"), []));
        Add("claims-not-an-object", "A claims challenge must be a JSON object.", Input(entra.DeepClone().AsObject(), Post("s3cr3t-value"), ["https://graph.microsoft.com/.default"], "[\"cp1\"]"));
        Add("claims-not-json", "A claims challenge must be JSON.", Input(entra.DeepClone().AsObject(), Post("s3cr3t-value"), ["https://graph.microsoft.com/.default"], "xms_cc=cp1"));
        foreach (var reserved in new[] { "grant_type", "client_id", "client_secret", "client_assertion_type", "client_assertion", "scope", "claims" })
        {
            Add($"extra-parameter-{reserved.Replace('_', '-')}", $"An extra parameter may not be named {reserved}: the library writes it itself.", Input(generic.DeepClone().AsObject(), Post("s3cr3t-value"), ["orders.read"], extra: [new JsonArray(reserved, "x")]));
        }

        Add("extra-parameter-name-other-case", "Reserved names are compared ignoring case: a lenient server would read Client_Secret as client_secret.", Input(generic.DeepClone().AsObject(), Post("s3cr3t-value"), ["orders.read"], extra: [new JsonArray("Client_Secret", "x")]));
        Add("extra-parameter-name-reserved-with-space", "Reserved names are compared ignoring surrounding white space.", Input(generic.DeepClone().AsObject(), Post("s3cr3t-value"), ["orders.read"], extra: [new JsonArray("grant_type ", "password")]));
        Add("extra-parameter-name-white-space-around", "Any extra parameter name with white space around it is refused.", Input(generic.DeepClone().AsObject(), Post("s3cr3t-value"), ["orders.read"], extra: [new JsonArray(" resource", "https://api.example.com/")]));
        Add("extra-parameter-name-blank", "A blank extra parameter name is refused.", Input(generic.DeepClone().AsObject(), Post("s3cr3t-value"), ["orders.read"], extra: [new JsonArray("  ", "x")]));
        Add("extra-parameter-name-line-break", "A name ending in CR LF is refused (white space around it), and the message does not repeat the line break raw.", Input(generic.DeepClone().AsObject(), Post("s3cr3t-value"), ["orders.read"], extra: [new JsonArray("resource\r\n", "x")]), "\r", "\n");
        Add("client-id-line-feed", "A client id with a line feed is refused before anything is sent (it goes into the form, Basic, assertions and logs).", Input(entra.DeepClone().AsObject(), Post("s3cr3t-value"), ["https://graph.microsoft.com/.default"], clientId: "00001111-aaaa\n2222"));
        Add("client-id-non-ascii", "A client id is printable ASCII.", Input(entra.DeepClone().AsObject(), Post("s3cr3t-value"), ["https://graph.microsoft.com/.default"], clientId: "appé"));
        Add("client-id-blank", "A client id is required.", Input(entra.DeepClone().AsObject(), Post("s3cr3t-value"), ["https://graph.microsoft.com/.default"], clientId: "   "));
        Add("correlation-id-line-break", "A correlation id with CR LF would forge a header: refused, and the message never quotes the value.", Input(entra.DeepClone().AsObject(), Post("s3cr3t-value"), ["https://graph.microsoft.com/.default"], correlationId: "abc\r\nX-Forged: yes"), "X-Forged");
        Add("correlation-id-space", "A correlation id is visible ASCII only: no white space.", Input(entra.DeepClone().AsObject(), Post("s3cr3t-value"), ["https://graph.microsoft.com/.default"], correlationId: "run 42"), "run 42");
        Add("correlation-id-non-ascii", "A correlation id is visible ASCII only.", Input(entra.DeepClone().AsObject(), Post("s3cr3t-value"), ["https://graph.microsoft.com/.default"], correlationId: "lauf-ä"));
        Add("correlation-id-too-long", "A correlation id has at most 256 characters.", Input(entra.DeepClone().AsObject(), Post("s3cr3t-value"), ["https://graph.microsoft.com/.default"], correlationId: new string('c', 257)));
        Add("correlation-id-256-characters", "256 visible ASCII characters are sent as they are.", Input(entra.DeepClone().AsObject(), Post("s3cr3t-value"), ["https://graph.microsoft.com/.default"], correlationId: new string('c', 256)));
        Add("secret-empty", "An empty client secret is refused.", Input(entra.DeepClone().AsObject(), Post(""), ["https://graph.microsoft.com/.default"]));
        Add("assertion-callback-empty", "An assertion callback that returns white space is a configuration error, and nothing is sent.", Input(entra.DeepClone().AsObject(), new JsonObject { ["type"] = "assertion", ["assertion"] = "  " }, ["https://graph.microsoft.com/.default"]));

        return Group("token-requests", "Complete token requests (RFC 6749 §4.4.2): URL, headers and the exact form body.", vectors);
    }
}
