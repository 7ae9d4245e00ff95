using System.Text.Json;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>
/// Runs the recorded managed identity cases of <c>spec/conformance/managed-identity</c>: a loopback server plays the
/// published answers, the credential is pointed at it through the variables the host would set, and both what was
/// sent and what came out must match the case (see that folder's README for the format).
/// </summary>
public sealed class RecordedManagedIdentityCaseTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "managed-identity-cases");

    private static IEnumerable<string> CaseNames() =>
        Directory.EnumerateFiles(Folder, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static TheoryData<string> Cases() => new(CaseNames());

    [Fact]
    public void Every_case_file_is_named_after_its_case_and_runs()
    {
        Assert.True(CaseNames().Count() >= 12);
        foreach (var name in CaseNames())
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")));
            Assert.Equal(name, document.RootElement.GetProperty("name").GetString());
            Assert.StartsWith("https://", document.RootElement.GetProperty("source").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case(string name)
    {
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Folder, name + ".json")));
        var root = document.RootElement;
        var environment = root.GetProperty("environment").GetString()!;
        using var serverCertificate = environment == "serviceFabric" ? TestCertificates.Rsa(subject: "CN=sf-runtime") : null;
        await using var server = await ReplayEndpoint.StartAsync(serverCertificate);
        using var test = new ManagedIdentityTestEnvironment();

        var keyFile = Path.Combine(test.ArcKeyDirectory, Guid.NewGuid().ToString("D") + ".key");
        if (root.TryGetProperty("arcKey", out var arcKey))
        {
            await File.WriteAllTextAsync(keyFile, arcKey.GetString());
        }

        var exchanges = root.GetProperty("exchanges").EnumerateArray().ToList();
        server.Play([.. exchanges.Select(e => Response(e.GetProperty("response"), keyFile))]);
        Configure(test, environment, server.BaseAddress, root, serverCertificate);

        var options = new ManagedIdentityOptions
        {
            Id = Identity(root),
            TimeProvider = root.TryGetProperty("now", out var now) ? new FixedNow(DateTimeOffset.Parse(now.GetString()!, System.Globalization.CultureInfo.InvariantCulture)) : null,
        };
        var resilience = root.TryGetProperty("maxRetries", out var retries) ? ManagedIdentityTestEnvironment.FastRetries with { MaxRetries = retries.GetInt32() } : null;
        var credential = test.Credential(options, resilience);
        var scope = root.GetProperty("scope").GetString()!;
        var outcome = root.GetProperty("outcome");

        if (outcome.TryGetProperty("token", out var expectedToken))
        {
            var token = await credential.GetTokenAsync(scope);
            Assert.Equal(expectedToken.GetProperty("accessToken").GetString(), token.Token);
            Assert.Equal(expectedToken.GetProperty("tokenType").GetString(), token.TokenType);
            Assert.Equal(DateTimeOffset.Parse(expectedToken.GetProperty("expiresOn").GetString()!, System.Globalization.CultureInfo.InvariantCulture), token.ExpiresOn);
            if (expectedToken.TryGetProperty("additionalFields", out var fields))
            {
                foreach (var field in fields.EnumerateObject())
                {
                    Assert.Equal(field.Value.GetString(), token.AdditionalFields[field.Name]);
                }
            }
        }
        else
        {
            var expected = outcome.GetProperty("error");
            var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await credential.GetTokenAsync(scope));
            Assert.Equal(expected.GetProperty("status").GetInt32(), (int)error.StatusCode);
            Assert.Equal(expected.GetProperty("error").GetString(), error.Error);
            Assert.Equal(expected.GetProperty("errorCodes").EnumerateArray().Select(c => c.GetInt32()), error.ErrorCodes);
            Assert.Equal(expected.GetProperty("transient").GetBoolean(), error.IsTransient);
            Optional(expected, "errorDescription", value => Assert.Equal(value, error.ErrorDescription));
            Optional(expected, "descriptionStartsWith", value => Assert.StartsWith(value, error.ErrorDescription));
            Optional(expected, "traceId", value => Assert.Equal(value, error.TraceId));
            Optional(expected, "correlationId", value => Assert.Equal(value, error.CorrelationId));
            Optional(expected, "remedyContains", value => Assert.Contains(value, error.Remedy));
        }

        var requests = server.Requests;
        Assert.Equal(outcome.GetProperty("requests").GetInt32(), requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            AssertMatches(exchanges[Math.Min(i, exchanges.Count - 1)].GetProperty("expect"), requests[i]);
        }
    }

    private static void Configure(ManagedIdentityTestEnvironment test, string environment, Uri server, JsonElement root, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
    {
        var header = root.TryGetProperty("identityHeader", out var value) ? value.GetString()! : "header";
        switch (environment)
        {
            case "imds":
                test.With("AZURE_POD_IDENTITY_AUTHORITY_HOST", server.AbsoluteUri);
                break;
            case "appService":
                test.With("IDENTITY_ENDPOINT", new Uri(server, "MSI/token").AbsoluteUri).With("IDENTITY_HEADER", header);
                break;
            case "cloudShell":
                test.With("MSI_ENDPOINT", new Uri(server, "oauth2/token").AbsoluteUri);
                break;
            case "azureArc":
                test.With("IDENTITY_ENDPOINT", new Uri(server, "metadata/identity/oauth2/token").AbsoluteUri).With("IMDS_ENDPOINT", server.AbsoluteUri);
                break;
            case "serviceFabric":
                test.With("IDENTITY_ENDPOINT", new Uri(server, "metadata/identity/oauth2/token").AbsoluteUri).With("IDENTITY_HEADER", header).With("IDENTITY_SERVER_THUMBPRINT", certificate!.Thumbprint);
                break;
            default:
                throw new InvalidOperationException($"Unknown environment '{environment}'.");
        }
    }

    private static ManagedIdentityId Identity(JsonElement root)
    {
        if (!root.TryGetProperty("identity", out var identity))
        {
            return ManagedIdentityId.SystemAssigned;
        }

        var id = identity.GetProperty("value").GetString()!;
        return identity.GetProperty("kind").GetString() switch
        {
            "clientId" => ManagedIdentityId.FromClientId(id),
            "objectId" => ManagedIdentityId.FromObjectId(id),
            _ => ManagedIdentityId.FromResourceId(id),
        };
    }

    private static RecordedResponse Response(JsonElement response, string keyFile) => new(
        response.GetProperty("status").GetInt32(),
        response.GetProperty("headers").EnumerateObject().ToDictionary(h => h.Name, h => h.Value.GetString()!.Replace("{keyFile}", keyFile, StringComparison.Ordinal)),
        response.GetProperty("body").GetString()!);

    private static void AssertMatches(JsonElement expect, ReceivedRequest request)
    {
        Assert.Equal(expect.GetProperty("method").GetString(), request.Method);
        Assert.Equal(expect.GetProperty("path").GetString(), request.Path);
        var query = expect.GetProperty("query").EnumerateObject().ToDictionary(q => q.Name, q => q.Value.GetString()!);
        Assert.Equal(query.OrderBy(q => q.Key, StringComparer.Ordinal), request.Query.OrderBy(q => q.Key, StringComparer.Ordinal));
        foreach (var header in expect.GetProperty("headers").EnumerateObject())
        {
            Assert.Equal(header.Value.GetString(), request.Header(header.Name));
        }

        if (expect.TryGetProperty("absentHeaders", out var absent))
        {
            Assert.All(absent.EnumerateArray(), name => Assert.Null(request.Header(name.GetString()!)));
        }

        Optional(expect, "body", body => Assert.Equal(body, request.Body));
    }

    private static void Optional(JsonElement element, string name, Action<string> check)
    {
        if (element.TryGetProperty(name, out var value))
        {
            check(value.GetString()!);
        }
    }

    /// <summary>A clock stopped at the case's "now" for reading times; timers (retry waits) run in real time.</summary>
    private sealed class FixedNow(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
