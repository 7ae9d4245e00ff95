namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// <see cref="ClientAssertionCredential"/> on its own: the callback is required, the credential describes itself
/// without calling it, and the request goes on without returning to the caller's synchronization context (so a caller
/// that blocks on it there does not deadlock).
/// </summary>
public class ClientAssertionCallbackTests
{
    private static readonly Uri Endpoint = new("https://as.example/token");

    [Fact]
    public void The_callback_is_required()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ClientAssertionCredential(null!));

        Assert.Equal("ClientAssertion", error.Setting);
        Assert.Equal("The assertion callback is required.", error.Message);
    }

    [Fact]
    public void ToString_describes_the_credential_without_calling_the_callback()
    {
        var calls = 0;
        var credential = new ClientAssertionCredential((_, _) => ValueTask.FromResult($"a.b.{++calls}"));

        Assert.Equal("client assertion callback", credential.ToString());
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task The_request_goes_on_off_the_callers_synchronization_context_after_the_callback()
    {
        var assertion = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var credential = new ClientAssertionCredential((_, _) => new ValueTask<string>(assertion.Task));
        var context = new ClientAuthenticationContext("client-1", Endpoint, TokenAuthority.TokenEndpoint(Endpoint), TimeProvider.System);
        var message = new TokenRequestMessage();
        var callers = new CountingSynchronizationContext();
        var previous = SynchronizationContext.Current;
        Task applying;
        SynchronizationContext.SetSynchronizationContext(callers);
        try
        {
            applying = credential.ApplyAsync(context, message, CancellationToken.None).AsTask();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        assertion.SetResult("header.payload.signature");
        await applying;

        Assert.Equal(0, callers.Posts);
        Assert.Equal("header.payload.signature", message.Form.Single(field => field.Key == "client_assertion").Value);
    }

    /// <summary>Runs what is posted to it on the thread pool, counting the posts.</summary>
    private sealed class CountingSynchronizationContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            base.Post(d, state);
        }
    }
}
