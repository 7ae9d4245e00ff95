namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// The tenant and application ids the tests share, so that a fixture's apps, the emulator's registrations and the
/// assertions about them agree. Every value is made up; none names a real tenant or app.
/// </summary>
public static class TestIds
{
    /// <summary>The tenant most tests use.</summary>
    public const string TenantId = "11111111-1111-1111-1111-111111111111";

    /// <summary>A verified domain of <see cref="TenantId"/>.</summary>
    public const string TenantDomain = "contoso.onmicrosoft.com";

    /// <summary>A second tenant, for cross-tenant cases.</summary>
    public const string OtherTenantId = "22222222-2222-2222-2222-222222222222";

    /// <summary>A tenant id no server knows.</summary>
    public const string UnknownTenantId = "99999999-9999-9999-9999-999999999999";

    /// <summary>The app id of the protected resource (the API the tokens are for).</summary>
    public const string ResourceAppId = "bbbbbbbb-0000-0000-0000-000000000001";

    /// <summary>A client app authenticating with a client secret (some fixtures also register a certificate for it).</summary>
    public const string SecretAppId = "aaaaaaaa-0000-0000-0000-000000000001";

    /// <summary>A client app authenticating with a certificate (some fixtures also register a secret for it).</summary>
    public const string CertificateAppId = "aaaaaaaa-0000-0000-0000-000000000002";

    /// <summary>A client app whose certificate is registered by thumbprint only, so it must send <c>x5c</c>.</summary>
    public const string ThumbprintOnlyAppId = "aaaaaaaa-0000-0000-0000-000000000003";

    /// <summary>A client app with a federated (workload identity) credential.</summary>
    public const string FederatedAppId = "aaaaaaaa-0000-0000-0000-000000000004";

    /// <summary>A client app registered in <see cref="OtherTenantId"/>.</summary>
    public const string OtherTenantAppId = "aaaaaaaa-0000-0000-0000-000000000005";

    /// <summary>A client app whose only secret has expired.</summary>
    public const string ExpiredSecretAppId = "aaaaaaaa-0000-0000-0000-000000000006";

    /// <summary>A keyless client app: its federated credential trusts the managed identity <see cref="ManagedIdentityObjectId"/>.</summary>
    public const string KeylessAppId = "aaaaaaaa-0000-0000-0000-000000000007";

    /// <summary>The object (principal) id of the user-assigned managed identity the emulating fixtures register.</summary>
    public const string ManagedIdentityObjectId = "dddddddd-0000-0000-0000-000000000001";

    /// <summary>The client id of that managed identity.</summary>
    public const string ManagedIdentityClientId = "dddddddd-0000-0000-0000-000000000002";

    /// <summary>The object id of the system-assigned managed identity the emulating fixtures register.</summary>
    public const string SystemManagedIdentityObjectId = "dddddddd-0000-0000-0000-000000000003";

    /// <summary>A client id no server knows.</summary>
    public const string UnknownAppId = "cccccccc-0000-0000-0000-000000000000";
}
