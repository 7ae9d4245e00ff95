using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClientCredentials.Cli.Certificates;
using ClientCredentials.Cli.Hosting;
using ClientCredentials.Cli.Jwt;
using ClientCredentials.Emulator;
using ClientCredentials.Protocol;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Cli.Demo;

/// <summary>
/// The guided tour: start the emulator in-process, register a throwaway app (secret + in-memory certificate) with a
/// role on a sample API, get tokens through the library both ways, read one, call the API with it, then ask again
/// to show the cache. Secrets and tokens are only ever shown as fingerprints or truncated.
/// </summary>
internal sealed class DemoScenario(CliContext context, IDemoNarrator narrator, bool verbose)
{
    private const string TenantId = "7e57c0de-0000-4000-8000-000000000001";
    private const string TenantDomain = "demo.onmicrosoft.com";
    private const string ApiUri = "api://cc-token-demo-api";
    private const string ApiRole = "Data.Read";
    private const string ManagedIdentityObjectId = "7e57c0de-0000-4000-8000-00000000a11d";
    private const int HitsPerBatch = 100_000;
    private const int WarmUpBatches = 10;
    private static readonly TimeSpan BatchPause = TimeSpan.FromMilliseconds(150);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        narrator.Step("Start a local Entra-compatible token endpoint", "The emulator answers like login.microsoftonline.com, on 127.0.0.1 only, so nothing here touches a real tenant.");
        var options = new EmulatorOptions
        {
            Tenants = [new EmulatorTenant { Id = TenantId, Domains = [TenantDomain] }],
            Resources = [new EmulatorResource { AppIdUri = ApiUri, DisplayName = "cc-token demo API", Roles = [ApiRole] }],
            ProtectedApi = new EmulatorProtectedApi { Resource = ApiUri, RequiredRole = ApiRole },
            ManagedIdentities = [new EmulatorManagedIdentity { ObjectId = ManagedIdentityObjectId, TenantId = TenantId, SystemAssigned = true }],
        };
        await using var server = await EmulatorServer.StartAsync(options, new EmulatorServerSettings { TimeProvider = context.TimeProvider }, cancellationToken).ConfigureAwait(false);
        var instance = server.BaseAddress.AbsoluteUri.TrimEnd('/');
        narrator.Detail("base URL", instance);
        narrator.Detail("token endpoint", server.GetTokenEndpoint(TenantId).AbsoluteUri);

        narrator.Step("Register a throwaway application", $"Like an app registration: a client id, a secret, a certificate, and the app role '{ApiRole}' on {ApiUri} (admin consent included).");
        var clientId = Guid.NewGuid().ToString();
        var secret = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(30));
        using var certificate = SelfSignedCertificateFactory.Create("CN=cc-token demo", 2048, TimeSpan.FromDays(1), context.TimeProvider.GetUtcNow());
        server.RegisterApplication(new EmulatorApplication
        {
            ClientId = clientId,
            TenantId = TenantId,
            DisplayName = "cc-token demo daemon",
            Secrets = [new EmulatorSecret { Value = secret, ExpiresOn = context.TimeProvider.GetUtcNow().AddDays(1) }],
            Certificates = [new EmulatorCertificate { Certificate = Convert.ToBase64String(certificate.RawData) }],
            FederatedCredentials = [new EmulatorFederatedCredential { ManagedIdentity = ManagedIdentityObjectId }],
            Roles = new Dictionary<string, IReadOnlyList<string>> { [ApiUri] = [ApiRole] },
        });
        narrator.Detail("client id", clientId);
        narrator.Detail("secret", $"{TokenFingerprint.Of(secret)} (a fingerprint: the secret itself is never printed)");
        narrator.Detail("certificate", $"{certificate.Subject}, x5t#S256 {CertificateThumbprints.X5tS256(certificate)}");
        narrator.Detail("federated cred.", $"trusts the managed identity {ManagedIdentityObjectId} (audience {ManagedIdentityFederatedCredential.PublicCloudAudience})");

        using var httpClient = CliHttpClient.Create(context, verbose, Timeout.InfiniteTimeSpan);
        var authority = TokenAuthority.Entra(TenantId, instance);
        var scope = ClientCredentialsScope.FromResource(ApiUri);
        var secretClient = CreateClient(authority, clientId, new ClientSecretCredential(secret), httpClient, scope);

        narrator.Step("Get a token with the client secret", $"POST grant_type=client_credentials, client_id, client_secret and scope={scope} to the tenant's token endpoint (RFC 6749 §4.4).");
        var (secretToken, networkTime) = await TimeAsync(() => secretClient.GetTokenAsync(cancellationToken)).ConfigureAwait(false);
        DescribeToken(secretToken, networkTime);

        narrator.Step("Get a token with the certificate", "No secret travels: the library signs a short-lived JWT (RFC 7523) with the private key: PS256, x5t#S256 header, aud = the token endpoint, iss = sub = client id, a new jti.");
        var certificateClient = CreateClient(authority, clientId, new CertificateCredential(certificate), httpClient, scope);
        var (certificateToken, certificateTime) = await TimeAsync(() => certificateClient.GetTokenAsync(cancellationToken)).ConfigureAwait(false);
        DescribeToken(certificateToken, certificateTime);

        narrator.Step("Go keyless: managed identity → federated credential → app token", "On Azure the resource's managed identity gets a token for api://AzureADTokenExchange from IMDS (here: the emulator's IMDS endpoint); that token is the app's client assertion, so no secret or certificate exists anywhere.");
        var managedIdentity = new ManagedIdentityCredential(new ManagedIdentityOptions
        {
            Source = ManagedIdentitySource.Imds,
            ImdsEndpoint = server.ImdsBaseAddress,
            HttpClient = httpClient,
            TimeProvider = context.TimeProvider,
        });
        narrator.Detail("managed identity", $"{managedIdentity.Id} via IMDS at {managedIdentity.Endpoint}");
        var keylessClient = CreateClient(authority, clientId, new ManagedIdentityFederatedCredential(managedIdentity), httpClient, scope);
        var (keylessToken, keylessTime) = await TimeAsync(() => keylessClient.GetTokenAsync(cancellationToken)).ConfigureAwait(false);
        DescribeToken(keylessToken, keylessTime);
        var keylessJwt = JwtDocument.Parse(keylessToken.Token);
        narrator.Detail("azp / azpacr", $"{keylessJwt.GetString("azp")} / {keylessJwt.GetString("azpacr")} (2: authenticated by an assertion, not a secret)");

        narrator.Step("Read the token", "An access token is a JWT for the API, not for you; decoding it (no signature check) shows who it is for and what it allows.");
        var now = context.TimeProvider.GetUtcNow();
        var jwt = JwtDocument.Parse(secretToken.Token);
        var insights = TokenInsights.Of(jwt, now);
        narrator.Detail("aud", string.Join(", ", insights.Audiences) + " (the API's app id)");
        narrator.Detail("iss", insights.Issuer ?? "(none)");
        narrator.Detail("azp (client)", jwt.GetString("azp") ?? "(none)");
        narrator.Detail("tid (tenant)", jwt.GetString("tid") ?? "(none)");
        narrator.Detail("idtyp", (jwt.GetString("idtyp") ?? "(none)") + (insights.IsAppOnly ? " (app-only: no user)" : string.Empty));
        narrator.Detail("roles", insights.Roles.Count == 0 ? "(none!)" : string.Join(", ", insights.Roles));
        narrator.Detail("exp", insights.ExpiresOn is { } exp ? RelativeTime.WithUtc(exp, now) : "(none)");

        narrator.Step("Call the protected API", $"GET /api/whoami with 'Authorization: Bearer <token>'. The API validates signature (JWKS), issuer, audience, lifetime, and requires the role '{ApiRole}'.");
        using (var apiClient = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            var whoAmI = new Uri(server.BaseAddress, "api/whoami");
            var (status, body) = await CallApiAsync(apiClient, whoAmI, secretToken, cancellationToken).ConfigureAwait(false);
            narrator.Detail("with the token", $"HTTP {status}: {body}");
            var (anonymousStatus, _) = await CallApiAsync(apiClient, whoAmI, null, cancellationToken).ConfigureAwait(false);
            narrator.Detail("without a token", $"HTTP {anonymousStatus} (RFC 6750 challenge: invalid_token)");
        }

        narrator.Step("Ask again: the cache answers", "Tokens are reused until shortly before they expire; a cache hit sends no request and allocates nothing.");
        var (cachedToken, cacheTime) = await TimeAsync(() => secretClient.GetTokenAsync(cancellationToken)).ConfigureAwait(false);
        narrator.Detail("source", cachedToken.Source == TokenSource.Cache ? "cache hit (no request sent)" : "identity provider (unexpected: the cache missed)");
        narrator.Detail("same token", ReferenceEquals(cachedToken.Token, secretToken.Token) || cachedToken.Token == secretToken.Token ? $"yes, {TokenFingerprint.Of(cachedToken.Token)}" : "no");
        narrator.Detail("first request", Microseconds(networkTime));
        narrator.Detail("first cache hit", RuntimeFeature.IsDynamicCodeCompiled ? $"{Microseconds(cacheTime)} (includes compiling the hit path)" : Microseconds(cacheTime));
        var (hits, batches, nanosecondsPerHit) = await TimeWarmHitsAsync(secretClient, cancellationToken).ConfigureAwait(false);
        narrator.Detail("warm cache hits", $"{nanosecondsPerHit:N0} ns each (median of {batches} batches of {hits:N0} calls after {WarmUpBatches} warm-up batches; none sent a request)");

        narrator.Done("Done: three tokens acquired (secret, certificate, keyless), one API call authorized, one cache hit.", [
            "cc-token token --tenant <tenant> --client-id <app id> --resource https://graph.microsoft.com --secret-env MY_SECRET",
            "cc-token token --managed-identity --resource https://management.azure.com    (on an Azure VM, App Service, Arc server…)",
            "cc-token decode <token>    (or: ... | cc-token decode -)",
            "cc-token cert new --name my-daemon    then upload my-daemon.cer to the app registration",
            "cc-token emulator --config emulator.json    to run the emulator for your own tests",
        ]);
    }

    private ClientCredentialsClient CreateClient(TokenAuthority authority, string clientId, ClientCredential credential, HttpClient httpClient, string scope) => new(new ClientCredentialsClientOptions
    {
        Authority = authority,
        ClientId = clientId,
        Credential = credential,
        HttpClient = httpClient,
        Scopes = [scope],
        TimeProvider = context.TimeProvider,
    });

    private async Task<(AccessToken Token, TimeSpan Elapsed)> TimeAsync(Func<ValueTask<AccessToken>> acquire)
    {
        var started = context.TimeProvider.GetTimestamp();
        var token = await acquire().ConfigureAwait(false);
        return (token, context.TimeProvider.GetElapsedTime(started));
    }

    /// <summary>Times many hits in a row: a hit completes synchronously, so the loop measures the cache, not the scheduler.</summary>
    /// <summary>
    /// Times warm cache hits: batches of hits with pauses between them, the first <see cref="WarmUpBatches"/> thrown
    /// away, then the median of the next batches. The pauses matter: .NET's tiered compilation swaps in optimised code
    /// from a background queue that the in-process emulator's start-up has filled, and on two cores that queue needs
    /// CPU time the hit loop would otherwise take (without them the figure swung between 40 and 200 ns from run to run).
    /// </summary>
    private async Task<(int Hits, int Batches, double NanosecondsPerHit)> TimeWarmHitsAsync(ClientCredentialsClient client, CancellationToken cancellationToken)
    {
        const int measuredBatches = 5;
        var perHit = new List<double>(measuredBatches);
        for (var batch = 0; batch < WarmUpBatches + measuredBatches; batch++)
        {
            var elapsed = TimeHitBatch(client, cancellationToken);
            if (batch >= WarmUpBatches)
            {
                perHit.Add(elapsed.TotalNanoseconds / HitsPerBatch);
            }

            await Task.Delay(BatchPause, cancellationToken).ConfigureAwait(false);
        }

        perHit.Sort();
        return (HitsPerBatch, measuredBatches, perHit[measuredBatches / 2]);
    }

    /// <summary>Times <see cref="HitsPerBatch"/> hits; synchronous, because a hit is, and optimised from the start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private TimeSpan TimeHitBatch(ClientCredentialsClient client, CancellationToken cancellationToken)
    {
        var started = context.TimeProvider.GetTimestamp();
        for (var i = 0; i < HitsPerBatch; i++)
        {
            var pending = client.GetTokenAsync(cancellationToken);
            if (!pending.IsCompletedSuccessfully || pending.Result.Source != TokenSource.Cache)
            {
                throw new InvalidOperationException("The cache missed during the warm-hit loop.");
            }
        }

        return context.TimeProvider.GetElapsedTime(started);
    }

    private void DescribeToken(AccessToken token, TimeSpan elapsed)
    {
        narrator.Detail("token", $"{Truncate(token.Token)} ({token.Token.Length} chars, {TokenFingerprint.Of(token.Token)})");
        narrator.Detail("expires", RelativeTime.WithUtc(token.ExpiresOn, context.TimeProvider.GetUtcNow()));
        narrator.Detail("source", $"{(token.Source == TokenSource.IdentityProvider ? "identity provider (network)" : "cache")} in {Microseconds(elapsed)}");
    }

    private static async Task<(int Status, string Body)> CallApiAsync(HttpClient client, Uri uri, AccessToken? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(token.TokenType, token.Token);
        }

        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return ((int)response.StatusCode, Compact(body));
    }

    private static string Compact(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                document.RootElement.WriteTo(writer);
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        catch (JsonException)
        {
            return json.Length <= 200 ? json : json[..200] + "...";
        }
    }

    /// <summary>Enough of a token to recognise its shape, far too little to use it.</summary>
    private static string Truncate(string token) => token.Length <= 12 ? "***" : token[..12] + "...";

    private static string Microseconds(TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalMicroseconds:N0} µs");
}
