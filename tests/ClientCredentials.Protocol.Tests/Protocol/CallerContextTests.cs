using System.Security.Cryptography.X509Certificates;
using ClientCredentials.Protocol.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// A token request never resumes on the caller's <see cref="SynchronizationContext"/> (a UI thread, classic ASP.NET):
/// whichever await of the endpoint client or the body reader is the first to wait, it leaves that context, so a
/// caller that blocks on the result does not deadlock. Each test holds one operation (everything before it completes
/// at once), starts the request with a recording context installed, and releases the operation: a continuation that
/// captured the context would be posted to it.
/// </summary>
public sealed class CallerContextTests
{
    private const string Scope = "https://graph.microsoft.com/.default";
    private const string ClientId = "6731de76-14a6-49ae-97bc-6eba6914391e";
    private static readonly TokenAuthority FixedEndpoint = TokenAuthority.TokenEndpoint(new Uri("https://idp.example/token"));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Reading_a_body_never_resumes_on_the_callers_context(bool holdOpen)
    {
        var releases = new ScriptedHttpHandler(_ => throw new InvalidOperationException("no request is sent"));
        byte[] body = [1, 2, 3, 4, 5];

        var read = await OnCallerContext(() => ResponseBodyReader.ReadAsync(new HeldContent(body, releases, holdOpen), CancellationToken.None), releases);

        Assert.Equal(body, read);
    }

    [Fact]
    public async Task Waiting_for_the_answer_never_resumes_on_the_callers_context()
    {
        var handler = new ScriptedHttpHandler(_ => ScriptedHttpHandler.Token("t")) { Hold = _ => true };
        var (endpoint, key) = Endpoint(FixedEndpoint, handler);

        var token = await OnCallerContext(() => endpoint.SendAsync(key, "context-test", CancellationToken.None), handler);

        Assert.Equal("t", token.Token);
    }

    [Fact]
    public async Task Waiting_for_the_body_never_resumes_on_the_callers_context()
    {
        ScriptedHttpHandler handler = null!;
        handler = new ScriptedHttpHandler(_ => HeldContent.Around(ScriptedHttpHandler.Token("t"), handler));
        var (endpoint, key) = Endpoint(FixedEndpoint, handler);

        var token = await OnCallerContext(() => endpoint.SendAsync(key, "context-test", CancellationToken.None), handler);

        Assert.Equal("t", token.Token);
    }

    [Fact]
    public async Task Waiting_for_a_regional_endpoint_never_resumes_on_the_callers_context()
    {
        var handler = new ScriptedHttpHandler(_ => ScriptedHttpHandler.Token("regional")) { Hold = _ => true };
        var (endpoint, key) = Endpoint(TokenAuthority.Entra("contoso.onmicrosoft.com", "login.microsoftonline.com", EntraRegion.Named("westus2")), handler);

        var token = await OnCallerContext(() => endpoint.SendAsync(key, "context-test", CancellationToken.None, new RegionalAttempt()), handler);

        Assert.Equal(RegionalRoute.Regional, token.RegionalRoute);
    }

    [Fact]
    public async Task Waiting_for_the_global_endpoint_after_a_regional_failure_never_resumes_on_the_callers_context()
    {
        static bool Regional(HttpRequestMessage request) => request.RequestUri!.Host.StartsWith("westus2.", StringComparison.Ordinal);
        var handler = new ScriptedHttpHandler(r => Regional(r) ? ScriptedHttpHandler.Json(503, """{"error":"temporarily_unavailable"}""") : ScriptedHttpHandler.Token("global"))
        {
            Hold = r => !Regional(r),
        };
        var (endpoint, key) = Endpoint(TokenAuthority.Entra("contoso.onmicrosoft.com", "login.microsoftonline.com", EntraRegion.Named("westus2")), handler);

        var token = await OnCallerContext(() => endpoint.SendAsync(key, "context-test", CancellationToken.None, new RegionalAttempt()), handler);

        Assert.Equal(RegionalRoute.GlobalAfterRegionalFailure, token.RegionalRoute);
    }

    [Fact]
    public async Task Waiting_for_discovery_never_resumes_on_the_callers_context()
    {
        var handler = new ScriptedHttpHandler(r => r.Method == HttpMethod.Get
            ? ScriptedHttpHandler.Json(200, """{"issuer":"https://issuer.example/tenant-a","token_endpoint":"https://issuer.example/tenant-a/token"}""")
            : ScriptedHttpHandler.Token("t"))
        {
            Hold = r => r.Method == HttpMethod.Get,
        };
        var (endpoint, key) = Endpoint(TokenAuthority.OAuthIssuer(new Uri("https://issuer.example/tenant-a")), handler);

        var token = await OnCallerContext(() => endpoint.SendAsync(key, "context-test", CancellationToken.None), handler);

        Assert.Equal("t", token.Token);
    }

    [Fact]
    public async Task Waiting_for_an_assertion_callback_never_resumes_on_the_callers_context()
    {
        var handler = new ScriptedHttpHandler(_ => ScriptedHttpHandler.Token("t"));
        var credential = new ClientAssertionCredential((_, _) => new ValueTask<string>(handler.Later(() => "assertion")));
        var (endpoint, key) = Endpoint(FixedEndpoint, handler, credential);

        var token = await OnCallerContext(() => endpoint.SendAsync(key, "context-test", CancellationToken.None), handler);

        Assert.Equal("t", token.Token);
    }

    [Fact]
    public async Task Waiting_for_the_dpop_nonce_retry_never_resumes_on_the_callers_context()
    {
        var sent = 0;
        var handler = new ScriptedHttpHandler(r => r.Headers.Contains("X-Retry")
            ? ScriptedHttpHandler.Json(200, """{"token_type":"DPoP","expires_in":3599,"access_token":"bound"}""")
            : ScriptedHttpHandler.Json(400, """{"error":"use_dpop_nonce"}""", ("DPoP-Nonce", "n-1")))
        {
            Hold = r => Interlocked.Increment(ref sent) > 1 && r.Headers.TryAddWithoutValidation("X-Retry", "1"),
        };
        using var key = DPoPProofKey.CreateEphemeral();
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = FixedEndpoint,
            ClientId = ClientId,
            Credential = new ClientSecretCredential("pw"),
            DPoPKey = key,
            HttpClient = new HttpClient(handler),
        });
        var endpoint = new TokenEndpointClient(new HttpClient(handler), FixedEndpoint, ClientId, new ClientSecretCredential("pw"), TimeProvider.System, null, NullLogger.Instance, dpopKey: key);

        var token = await OnCallerContext(() => endpoint.SendAsync(client.KeyFor(new TokenRequestParameters(Scope)), "context-test", CancellationToken.None), handler);

        Assert.Equal("bound", token.Token);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Waiting_for_the_send_after_a_credential_renewal_never_resumes_on_the_callers_context()
    {
        var subject = $"CN=cc-context-{Guid.NewGuid():N}";
        using var old = UserCertificateStore.Exportable(subject, TimeSpan.FromDays(10));
        using var renewed = UserCertificateStore.Exportable(subject, TimeSpan.FromDays(300));
        using var store = new UserCertificateStore(old);
        var sent = 0;
        var handler = new ScriptedHttpHandler(r => r.Headers.Contains("X-Retry")
            ? ScriptedHttpHandler.Token("after-rotation")
            : ScriptedHttpHandler.Json(401, """{"error":"invalid_client","error_codes":[700027]}"""))
        {
            Hold = r => Interlocked.Increment(ref sent) > 1 && r.Headers.TryAddWithoutValidation("X-Retry", "1"),
        };
        var credential = ReloadingCertificateCredential.FromStore(new CertificateStoreQuery { Subject = subject });
        store.Add(renewed);
        store.Remove(old);
        var (endpoint, key) = Endpoint(TokenAuthority.Entra("contoso.onmicrosoft.com", "login.microsoftonline.com", EntraRegion.None), handler, credential);

        var token = await OnCallerContext(() => endpoint.SendAsync(key, "context-test", CancellationToken.None), handler);

        Assert.Equal("after-rotation", token.Token);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Waiting_through_the_client_its_cache_and_the_attempt_timeout_never_resumes_on_the_callers_context()
    {
        using var held = new SemaphoreSlim(0);
        var handler = new ScriptedHttpHandler(_ => ScriptedHttpHandler.Token("through-client")) { Hold = _ => held.Release() >= 0 };
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = FixedEndpoint,
            ClientId = ClientId,
            Credential = new ClientSecretCredential("pw"),
            HttpClient = new HttpClient(handler),
        });

        var token = await OnCallerContextThroughTheCache(() => client.GetTokenAsync(new TokenRequestParameters(Scope)).AsTask(), handler, held, requests: 1);

        Assert.Equal("through-client", token.Token);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Waiting_for_a_managed_identity_endpoint_never_resumes_on_the_callers_context(bool azureArc)
    {
        using var environment = new ManagedIdentity.ManagedIdentityTestEnvironment();
        var keyFile = Path.Combine(environment.ArcKeyDirectory, "context.key");
        await File.WriteAllTextAsync(keyFile, "arc-key");
        using var held = new SemaphoreSlim(0);
        var handler = new ScriptedHttpHandler(request => azureArc && request.Headers.Authorization is null
            ? ScriptedHttpHandler.Json(401, "{}", ("WWW-Authenticate", $"Basic realm={keyFile}"))
            : ScriptedHttpHandler.Json(200, """{"access_token":"mi-context","expires_in":"3600"}"""))
        {
            Hold = _ => held.Release() >= 0,
        };
        var options = new ManagedIdentityOptions
        {
            Source = azureArc ? ManagedIdentitySource.AzureArc : ManagedIdentitySource.Imds,
            ImdsEndpoint = azureArc ? null : new Uri("http://127.0.0.1:8080"),
            HttpClient = new HttpClient(handler),
        };
        var credential = environment.Credential(options);

        var token = await OnCallerContextThroughTheCache(() => credential.GetTokenAsync("https://vault.azure.net/.default").AsTask(), handler, held, requests: azureArc ? 2 : 1);

        Assert.Equal("mi-context", token.Token);
        Assert.Equal(azureArc ? 2 : 1, handler.Requests.Count);
    }

    private static (TokenEndpointClient Endpoint, TokenCacheKey Key) Endpoint(TokenAuthority authority, ScriptedHttpHandler handler, ClientCredential? credential = null)
    {
        credential ??= new ClientSecretCredential("pw");
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = authority,
            ClientId = ClientId,
            Credential = credential,
            HttpClient = new HttpClient(handler),
        });
        return (new TokenEndpointClient(new HttpClient(handler), authority, ClientId, credential, TimeProvider.System, null, NullLogger.Instance), client.KeyFor(new TokenRequestParameters(Scope)));
    }

    /// <summary>
    /// Starts <paramref name="start"/> with a recording context installed, which stays until the start waits on a held
    /// operation; then releases every held operation and asserts that it completed with nothing posted to the context.
    /// </summary>
    private static async Task<T> OnCallerContext<T>(Func<Task<T>> start, ScriptedHttpHandler releases)
    {
        var context = new RecordingContext();
        var previous = SynchronizationContext.Current;
        var running = StartOn(context, start);
        try
        {
            Assert.False(running.IsCompleted, "the request waits on a held operation");
            while (releases.ReleaseNext())
            {
            }

            Assert.True(running.IsCompleted, "every held operation was released");
            Assert.Equal(0, context.Posts);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        return await running;
    }

    /// <summary>Counts what is posted or sent to it and runs it at once, on the calling thread.</summary>
    /// <summary>
    /// Starts <paramref name="start"/> with a recording context installed. The token cache runs the request on the thread
    /// pool, so the caller waits for the cache's flight: each of the <paramref name="requests"/> held requests is released
    /// once it is held (<paramref name="held"/> counts them), and no continuation may have been posted to the context.
    /// </summary>
    private static async Task<T> OnCallerContextThroughTheCache<T>(Func<Task<T>> start, ScriptedHttpHandler releases, SemaphoreSlim held, int requests)
    {
        var context = new RecordingContext();
        var previous = SynchronizationContext.Current;
        var running = StartOn(context, start);
        SynchronizationContext.SetSynchronizationContext(previous);
        for (var request = 0; request < requests; request++)
        {
            Assert.True(await held.WaitAsync(TimeSpan.FromSeconds(10)), "the request reached the endpoint");
            Assert.False(running.IsCompleted, "the caller waits for the held request");
            while (!releases.ReleaseNext())
            {
                // The request is held just after the signal; it is queued within a few instructions.
                Thread.Yield();
            }
        }

        var result = await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, context.Posts);
        return result;
    }

    /// <summary>Calls <paramref name="start"/> with <paramref name="context"/> installed, and none afterwards.</summary>
    private static Task<T> StartOn<T>(SynchronizationContext context, Func<Task<T>> start)
    {
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            return start();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(null);
        }
    }

    private sealed class RecordingContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            d(state);
        }

        public override void Send(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            d(state);
        }
    }
}
