namespace ClientCredentials.Protocol.Benchmarks.Fakes;

/// <summary>The made-up app registration every contender authenticates as; nothing here reaches a real tenant.</summary>
internal static class BenchmarkTenant
{
    /// <summary>The tenant id (a GUID, as a real app would use).</summary>
    public const string TenantId = "11111111-2222-3333-4444-555555555555";

    /// <summary>A second tenant the one client also serves (<see cref="TokenRequestParameters.Tenant"/>).</summary>
    public const string OtherTenantId = "66666666-7777-8888-9999-000000000000";

    /// <summary>The application (client) id.</summary>
    public const string ClientId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

    /// <summary>The client secret; the canned endpoint never checks it.</summary>
    public const string ClientSecret = "benchmark-secret-not-a-real-one";

    /// <summary>The one <c>{resource}/.default</c> scope every contender asks for.</summary>
    public const string Scope = "https://graph.microsoft.com/.default";

    /// <summary>The Entra authority URL, for MSAL.</summary>
    public const string AuthorityUrl = "https://login.microsoftonline.com/" + TenantId + "/";

    /// <summary>A generic (non-Entra) OAuth 2.0 token endpoint, where scopes are free-form (scale benchmarks).</summary>
    public static readonly Uri GenericTokenEndpoint = new("https://oauth.example.test/connect/token");
}
