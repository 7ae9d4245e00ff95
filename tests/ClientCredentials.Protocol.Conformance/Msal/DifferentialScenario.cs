using System.Net;
using Microsoft.Identity.Client;

namespace ClientCredentials.Protocol.Conformance.Msal;

/// <summary>
/// One token request that MSAL.NET and this library are both configured to make, identically: same client id,
/// authority (on the fictitious https host <c>login.test</c>), scope, credential and, for the regional scenarios,
/// Azure region (MSAL <c>WithAzureRegion</c>, ours <see cref="EntraRegion.Named"/>): both then post to
/// <c>{region}.login.test</c>, the <c>{region}.{host}</c> form MSAL uses for hosts outside the known clouds.
/// </summary>
public sealed record DifferentialScenario(string Name, AuthorityKind Kind, bool UsesCertificate, bool SendX5c, string? Region = null)
{
    public const string ClientId = TestIds.CertificateAppId;
    public const string Tenant = TestIds.TenantDomain;
    public const string Host = "login.test";
    public const string Scope = "https://graph.microsoft.com/.default";
    public const string Secret = "differential~secret.value";

    /// <summary>The scenarios of the differential test.</summary>
    public static IReadOnlyList<DifferentialScenario> All { get; } =
    [
        new("secret-entra", AuthorityKind.Entra, UsesCertificate: false, SendX5c: false),
        new("certificate-entra", AuthorityKind.Entra, UsesCertificate: true, SendX5c: false),
        new("certificate-adfs", AuthorityKind.Adfs, UsesCertificate: true, SendX5c: false),
        new("certificate-x5c-entra", AuthorityKind.Entra, UsesCertificate: true, SendX5c: true),
        new("secret-entra-regional", AuthorityKind.Entra, UsesCertificate: false, SendX5c: false, Region: "westus2"),
        new("certificate-entra-regional", AuthorityKind.Entra, UsesCertificate: true, SendX5c: false, Region: "westus2"),
    ];

    /// <summary>Scenario names as theory rows.</summary>
    public static TheoryData<string> Names => [.. All.Select(s => s.Name)];

    /// <summary>The host both clients post to: <see cref="Host"/>, or <c>{region}.</c><see cref="Host"/>.</summary>
    public string RequestHost => Region is null ? Host : $"{Region}.{Host}";

    /// <summary>The token endpoint path both clients post to (before the loopback redirect).</summary>
    public string TokenPath => Kind == AuthorityKind.Adfs ? "/adfs/oauth2/token" : $"/{Tenant}/oauth2/v2.0/token";

    public static DifferentialScenario Named(string name) => All.Single(s => s.Name == name);

    /// <summary>MSAL's confidential client: no instance discovery, no authority validation, our HttpClient factory.</summary>
    internal IConfidentialClientApplication CreateMsal(IMsalHttpClientFactory httpClientFactory)
    {
        var builder = ConfidentialClientApplicationBuilder.Create(ClientId)
            .WithHttpClientFactory(httpClientFactory)
            .WithInstanceDiscovery(false);
        builder = Kind == AuthorityKind.Adfs
            ? builder.WithAdfsAuthority($"https://{Host}/adfs/", validateAuthority: false)
            : builder.WithAuthority($"https://{Host}/{Tenant}/", validateAuthority: false);
        builder = UsesCertificate ? builder.WithCertificate(TestCertificates.SharedRsa2048) : builder.WithClientSecret(Secret);
        if (Region is not null)
        {
            builder = builder.WithAzureRegion(Region);
        }

        return builder.Build();
    }

    /// <summary>An HttpClient configured as this library's default one (automatic decompression), routed to the mock.</summary>
    internal static HttpClient CreateOurHttpClient(Uri mockBaseAddress) =>
        new(new LoopbackRedirectHandler(mockBaseAddress, new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All }))
        {
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>This library's client with the same configuration as <see cref="CreateMsal"/>.</summary>
    internal ClientCredentialsClient CreateOurs(HttpClient httpClient)
    {
        return new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = Kind == AuthorityKind.Adfs
                ? TokenAuthority.Adfs(new Uri($"https://{Host}/adfs"))
                : TokenAuthority.Entra(Tenant, $"https://{Host}", Region is null ? EntraRegion.None : EntraRegion.Named(Region)),
            ClientId = ClientId,
            Credential = UsesCertificate
                ? new CertificateCredential(TestCertificates.SharedRsa2048, new CertificateCredentialOptions { SendCertificateChain = SendX5c })
                : new ClientSecretCredential(Secret),
            Scopes = [Scope],
            HttpClient = httpClient,
        });
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
