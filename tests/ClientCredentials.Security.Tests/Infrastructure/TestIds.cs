namespace ClientCredentials.Security.Tests.Infrastructure;

/// <summary>The one set of ids and secrets every test uses. Distinctive values, so a leak is caught by a substring search.</summary>
public static class TestIds
{
    public const string TenantId = "11111111-1111-1111-1111-111111111111";
    public const string ClientId = "aaaaaaaa-0000-0000-0000-000000000001";
    public const string FederatedClientId = "aaaaaaaa-0000-0000-0000-000000000002";
    public const string Secret = "Sx9~Q2uG.security-suite-SECRET_7f3a";
    public const string Resource = "api://orders";
    public const string Scope = Resource + "/.default";
    public const string FederatedIssuer = "https://oidc.cluster.test";
    public const string FederatedSubject = "system:serviceaccount:orders:daemon";
    public const string FederatedAudience = "api://AzureADTokenExchange";
}
