using ClientCredentials.Protocol.Tests.Cache;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// Writing a token request never resumes on the caller's <see cref="SynchronizationContext"/>: a caller that blocks on
/// the call on a single-threaded context (a UI thread, classic ASP.NET) would otherwise deadlock.
/// </summary>
public class TokenRequestFactoryTests
{
    [Fact]
    public async Task A_request_whose_credential_completes_later_does_not_resume_on_the_callers_context()
    {
        var assertion = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var credential = new ClientAssertionCredential((_, _) => new ValueTask<string>(assertion.Task));
        var endpoint = new Uri("https://idp.example.com/token");
        var context = new ClientAuthenticationContext("svc", endpoint, TokenAuthority.TokenEndpoint(endpoint), TimeProvider.System);
        var callers = new CountingContext();

        Task<HttpRequestMessage> pending;
        var original = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(callers);
        try
        {
            pending = TokenRequestFactory.CreateAsync(context, credential, TestKeys.Create("idp.example.com", "svc", ["read"], scopesAreCaseInsensitive: false), claims: null, "corr-1", CancellationToken.None).AsTask();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(original);
        }

        assertion.SetResult("header.payload.sig");
        using var request = await pending;

        Assert.Equal(0, callers.Posts);
        Assert.Equal("corr-1", request.Headers.GetValues("client-request-id").Single());
    }

    /// <summary>A context that counts the continuations posted to it and runs them on the thread pool.</summary>
    private sealed class CountingContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            ThreadPool.QueueUserWorkItem(_ => d(state));
        }
    }
}
