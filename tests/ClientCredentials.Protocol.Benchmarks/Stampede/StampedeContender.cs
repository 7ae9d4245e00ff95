using Azure.Core;
using ClientCredentials.Protocol.Benchmarks.Contenders;
using ClientCredentials.Protocol.Benchmarks.Fakes;

namespace ClientCredentials.Protocol.Benchmarks.Stampede;

/// <summary>
/// A library in the stampede: <see cref="Create"/> builds a brand-new client (empty cache) over a handler and
/// returns the call one caller makes, which yields the access token string.
/// </summary>
internal sealed record StampedeContender(string Name, Func<HttpMessageHandler, Func<Task<string>>> Create)
{
    /// <summary>This library, MSAL.NET and Azure.Identity, in table order.</summary>
    public static IReadOnlyList<StampedeContender> All { get; } =
    [
        new("ClientCredentials.Protocol", static handler =>
        {
            var client = ThisLibrary.CreateEntraClient(handler);
            return async () => (await client.GetTokenAsync().ConfigureAwait(false)).Token;
        }),
        new("MSAL.NET", static handler =>
        {
            var application = Msal.CreateApplication(handler);
            string[] scopes = [BenchmarkTenant.Scope];
            return async () => (await application.AcquireTokenForClient(scopes).ExecuteAsync().ConfigureAwait(false)).AccessToken;
        }),
        new("Azure.Identity", static handler =>
        {
            var credential = AzureIdentity.CreateCredential(handler);
            var context = new TokenRequestContext([BenchmarkTenant.Scope]);
            return async () => (await credential.GetTokenAsync(context, CancellationToken.None).ConfigureAwait(false)).Token;
        }),
    ];
}
