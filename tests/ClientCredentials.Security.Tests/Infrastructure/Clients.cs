using ClientCredentials.Protocol;

namespace ClientCredentials.Security.Tests.Infrastructure;

/// <summary>Clients configured the way a user would, pointed at a loopback server.</summary>
public static class Clients
{
    /// <summary>A client-secret client for the token endpoint <paramref name="tokenEndpoint"/>; no retries, so each test sees one attempt.</summary>
    public static ClientCredentialsClient WithSecret(Uri tokenEndpoint, HttpClient? httpClient = null, CapturedLogs? logs = null) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.TokenEndpoint(tokenEndpoint),
        ClientId = TestIds.ClientId,
        Credential = new ClientSecretCredential(TestIds.Secret),
        Scopes = [TestIds.Scope],
        HttpClient = httpClient,
        LoggerFactory = logs,
        Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
    });
}
