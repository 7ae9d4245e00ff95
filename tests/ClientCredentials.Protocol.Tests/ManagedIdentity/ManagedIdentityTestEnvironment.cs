using System.Security.Cryptography;
using System.Text;
using ClientCredentials.Protocol.Testing;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>
/// The environment a test gives a <see cref="ManagedIdentityCredential"/>: variables as the Azure host would set them,
/// no Arc agent on disk, an Arc key directory of its own, a loopback-only HttpClient, and fast retries.
/// </summary>
internal sealed class ManagedIdentityTestEnvironment : IDisposable
{
    public const string UserAssignedClientId = TestIds.ManagedIdentityClientId;
    public const string UserAssignedObjectId = TestIds.ManagedIdentityObjectId;
    public const string UserAssignedResourceId = "/subscriptions/5b6c7d8e-0000-4000-8000-000000000003/resourceGroups/rg-app/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app";

    /// <summary>Retries as the IMDS rules say, but without waiting seconds.</summary>
    public static readonly ManagedIdentityResilienceOptions FastRetries = new()
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(5),
        GoneRetryDelay = TimeSpan.FromMilliseconds(5),
        AttemptTimeout = TimeSpan.FromSeconds(10),
        TotalTimeout = TimeSpan.FromSeconds(30),
    };

    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public LoopbackOnlyHandler Guard { get; } = new();

    public string ArcKeyDirectory { get; } = Directory.CreateTempSubdirectory("cc-arc-tokens-").FullName;

    /// <summary>Variables written as <c>"NAME=value NAME=value"</c>; a value of <c>_</c> stands for blanks, which count as unset.</summary>
    public static Dictionary<string, string> VariablesFrom(string variables) =>
        variables.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1] == "_" ? " \t" : pair[1], StringComparer.Ordinal);

    public ManagedIdentityTestEnvironment With(string name, string value)
    {
        Variables[name] = value;
        return this;
    }

    /// <summary>The credential a user would create in this environment, with fast retries unless <paramref name="resilience"/> is given.</summary>
    public ManagedIdentityCredential Credential(ManagedIdentityOptions? options = null, ManagedIdentityResilienceOptions? resilience = null) =>
        new((options ?? new ManagedIdentityOptions()) with
        {
            GetEnvironmentVariable = name => Variables.TryGetValue(name, out var value) ? value : null,
            HttpClient = options?.HttpClient ?? new HttpClient(Guard, disposeHandler: false),
            Resilience = resilience ?? FastRetries,
        }, _ => false, new ArcKeyFilePolicy(ArcKeyDirectory));

    /// <summary>An unsigned JWT-shaped token (what the endpoints return; the credential never validates it).</summary>
    public static string Token(string marker) =>
        Base64UrlEncoder.Encode("""{"alg":"RS256","typ":"JWT"}""") + "." + Base64UrlEncoder.Encode($$"""{"aud":"https://management.azure.com","m":"{{marker}}"}""") + "." +
        Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(marker)));

    /// <summary>A success body in the IMDS / App Service shape (numbers as strings), valid for an hour from now.</summary>
    public static RecordedResponse Success(string marker, TimeSpan? lifetime = null)
    {
        var expiresOn = DateTimeOffset.UtcNow.Add(lifetime ?? TimeSpan.FromHours(1)).ToUnixTimeSeconds();
        return new RecordedResponse(200, Json, $$"""{"access_token":"{{Token(marker)}}","expires_on":"{{expiresOn}}","resource":"https://management.azure.com/","token_type":"Bearer"}""");
    }

    public static readonly IReadOnlyDictionary<string, string> Json = new Dictionary<string, string> { ["Content-Type"] = "application/json; charset=utf-8" };

    public void Dispose()
    {
        Guard.Dispose();
        Directory.Delete(ArcKeyDirectory, recursive: true);
    }
}
