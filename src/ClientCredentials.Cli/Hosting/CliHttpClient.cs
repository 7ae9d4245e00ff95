using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Hosting;

/// <summary>
/// The HttpClient the CLI hands to the library: the library's token endpoint handler (redirects never followed, so
/// a secret or assertion is never posted to another host) with a 10 s connect timeout, and the <c>--verbose</c>
/// trace over it when asked.
/// </summary>
internal static class CliHttpClient
{
    public static HttpClient Create(CliContext context, bool verbose, TimeSpan timeout)
    {
        var sockets = TokenEndpointHttpHandler.Create();
        sockets.ConnectTimeout = TimeSpan.FromSeconds(10);
        HttpMessageHandler handler = sockets;
        if (verbose)
        {
            handler = new VerboseHttpHandler(context.Error, context.TimeProvider) { InnerHandler = handler };
        }

        return new HttpClient(handler) { Timeout = timeout };
    }
}
