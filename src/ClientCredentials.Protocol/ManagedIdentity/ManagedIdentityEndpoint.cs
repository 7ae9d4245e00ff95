using System.Text;

namespace ClientCredentials.Protocol;

/// <summary>
/// One managed identity source's token endpoint: its URL and how a token request to it is written. One small type
/// per source (<see cref="ImdsEndpoint"/>, <see cref="AppServiceEndpoint"/>, <see cref="AzureArcEndpoint"/>,
/// <see cref="ServiceFabricEndpoint"/>, <see cref="CloudShellEndpoint"/>). Built once, from validated settings.
/// </summary>
internal abstract class ManagedIdentityEndpoint
{
    protected ManagedIdentityEndpoint(Uri tokenEndpoint, ManagedIdentityId identity)
    {
        TokenEndpoint = tokenEndpoint;
        Identity = identity;
    }

    /// <summary>Which source this is.</summary>
    public abstract ManagedIdentitySource Source { get; }

    /// <summary>The URL requests go to, without the query the request adds.</summary>
    public Uri TokenEndpoint { get; }

    /// <summary>The identity asked for.</summary>
    public ManagedIdentityId Identity { get; }

    /// <summary>A new request for a token for <paramref name="resource"/>; one per attempt.</summary>
    public abstract HttpRequestMessage CreateRequest(string resource, string correlationId);

    /// <summary>
    /// For sources that answer a first request with a challenge (Azure Arc): the request that answers it, or null when
    /// <paramref name="response"/> is not a challenge. Throws when the challenge cannot be answered safely.
    /// </summary>
    public virtual HttpRequestMessage? AnswerChallenge(HttpResponseMessage response, string resource, string correlationId) => null;

    /// <summary>A handler this source needs instead of the shared one (Service Fabric pins its server certificate), or null.</summary>
    public virtual HttpMessageHandler? CreateOwnHandler() => null;

    /// <summary>The <c>GET</c> request to <see cref="TokenEndpoint"/> with the query parameters given, escaped (RFC 3986).</summary>
    protected HttpRequestMessage Get(params (string Name, string? Value)[] query)
    {
        var builder = new StringBuilder(TokenEndpoint.AbsoluteUri);
        var first = true;
        foreach (var (name, value) in query)
        {
            if (value is null)
            {
                continue;
            }

            builder.Append(first ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            first = false;
        }

        return new HttpRequestMessage(HttpMethod.Get, new Uri(builder.ToString()));
    }

    /// <summary>The query parameter that names a user-assigned identity on this source, and its value; (name, null) for system-assigned.</summary>
    protected (string Name, string? Value) IdentityParameter(string clientId = "client_id", string objectId = "object_id", string resourceId = "mi_res_id") => Identity.Kind switch
    {
        ManagedIdentityIdKind.ClientId => (clientId, Identity.Value),
        ManagedIdentityIdKind.ObjectId => (objectId, Identity.Value),
        ManagedIdentityIdKind.ResourceId => (resourceId, Identity.Value),
        _ => (clientId, null),
    };

    /// <summary>Refuses user-assigned identities on sources that cannot select one (Azure Arc, Cloud Shell).</summary>
    protected static void RequireSystemAssigned(ManagedIdentityId identity, string sourceName)
    {
        if (identity.IsUserAssigned)
        {
            throw new ClientCredentialsConfigurationException(
                "ManagedIdentityId",
                $"{sourceName} offers only the system-assigned managed identity; remove the {identity} (use ManagedIdentityId.SystemAssigned).");
        }
    }

    /// <summary>Refuses a header value that would break the request line (CR, LF or other control characters).</summary>
    protected static string RequireHeaderValue(string value, string setting)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                throw new ClientCredentialsConfigurationException(setting, $"{setting} contains a control character; it must be the single-line value the host sets.");
            }
        }

        return value;
    }
}

/// <summary>
/// IMDS (VMs, scale sets, AKS nodes): <c>GET {base}/metadata/identity/oauth2/token?api-version=2018-02-01&amp;resource=…</c>
/// with <c>Metadata: true</c> (the SSRF guard IMDS requires) and the identity as <c>client_id</c>, <c>object_id</c> or
/// <c>msi_res_id</c>.
/// </summary>
internal sealed class ImdsEndpoint(Uri tokenEndpoint, ManagedIdentityId identity) : ManagedIdentityEndpoint(tokenEndpoint, identity)
{
    public const string ApiVersion = "2018-02-01";

    public override ManagedIdentitySource Source => ManagedIdentitySource.Imds;

    public override HttpRequestMessage CreateRequest(string resource, string correlationId)
    {
        var request = Get(("api-version", ApiVersion), ("resource", resource), IdentityParameter(resourceId: "msi_res_id"));
        request.Headers.TryAddWithoutValidation("Metadata", "true");
        request.Headers.TryAddWithoutValidation("x-ms-client-request-id", correlationId);
        return request;
    }
}

/// <summary>
/// App Service, Functions and Container Apps (API 2019-08-01): <c>GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&amp;resource=…</c>
/// with <c>X-IDENTITY-HEADER: {IDENTITY_HEADER}</c>; the identity as <c>client_id</c>, <c>principal_id</c> or <c>mi_res_id</c>.
/// </summary>
internal sealed class AppServiceEndpoint : ManagedIdentityEndpoint
{
    public const string ApiVersion = "2019-08-01";

    private readonly string _identityHeader;

    public AppServiceEndpoint(Uri tokenEndpoint, string identityHeader, ManagedIdentityId identity)
        : base(tokenEndpoint, identity)
    {
        _identityHeader = RequireHeaderValue(identityHeader, ManagedIdentityVariables.IdentityHeader);
    }

    public override ManagedIdentitySource Source => ManagedIdentitySource.AppService;

    public override HttpRequestMessage CreateRequest(string resource, string correlationId)
    {
        var request = Get(("api-version", ApiVersion), ("resource", resource), IdentityParameter(objectId: "principal_id"));
        request.Headers.TryAddWithoutValidation("X-IDENTITY-HEADER", _identityHeader);
        return request;
    }
}

/// <summary>
/// Service Fabric: <c>GET {IDENTITY_ENDPOINT}?api-version=2019-07-01-preview&amp;resource=…</c> with
/// <c>secret: {IDENTITY_HEADER}</c>, over HTTPS to a server whose certificate is accepted only when its SHA-1
/// thumbprint is <c>IDENTITY_SERVER_THUMBPRINT</c> (the runtime's self-signed certificate).
/// </summary>
internal sealed class ServiceFabricEndpoint : ManagedIdentityEndpoint
{
    public const string ApiVersion = "2019-07-01-preview";

    private readonly string _identityHeader;
    private readonly string _serverThumbprint;

    public ServiceFabricEndpoint(Uri tokenEndpoint, string identityHeader, string serverThumbprint, ManagedIdentityId identity)
        : base(tokenEndpoint, identity)
    {
        if (identity.Kind == ManagedIdentityIdKind.ObjectId)
        {
            throw new ClientCredentialsConfigurationException("ManagedIdentityId", "Service Fabric selects a user-assigned identity by client id or resource id, not by object id; use ManagedIdentityId.FromClientId or FromResourceId.");
        }

        _identityHeader = RequireHeaderValue(identityHeader, ManagedIdentityVariables.IdentityHeader);
        _serverThumbprint = ServiceFabricServerCertificate.NormalizeThumbprint(serverThumbprint);
    }

    public override ManagedIdentitySource Source => ManagedIdentitySource.ServiceFabric;

    public override HttpRequestMessage CreateRequest(string resource, string correlationId)
    {
        var request = Get(("api-version", ApiVersion), ("resource", resource), IdentityParameter());
        request.Headers.TryAddWithoutValidation("secret", _identityHeader);
        return request;
    }

    public override HttpMessageHandler? CreateOwnHandler() => ServiceFabricServerCertificate.CreateHandler(_serverThumbprint);
}

/// <summary>Cloud Shell: <c>POST {MSI_ENDPOINT}</c> with the form <c>resource=…</c> and <c>Metadata: true</c>; system-assigned only.</summary>
internal sealed class CloudShellEndpoint : ManagedIdentityEndpoint
{
    public CloudShellEndpoint(Uri tokenEndpoint, ManagedIdentityId identity)
        : base(tokenEndpoint, identity)
    {
        RequireSystemAssigned(identity, "Cloud Shell");
    }

    public override ManagedIdentitySource Source => ManagedIdentitySource.CloudShell;

    public override HttpRequestMessage CreateRequest(string resource, string correlationId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, TokenEndpoint)
        {
            Content = new StringContent(FormUrlEncoding.EncodeForm([new("resource", resource)]), Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Content.Headers.ContentType!.CharSet = null;
        request.Headers.TryAddWithoutValidation("Metadata", "true");
        return request;
    }
}
