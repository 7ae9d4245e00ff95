namespace ClientCredentials.Cli.Hosting;

/// <summary>The HttpClient the CLI hands to the library: pooled sockets, and the <c>--verbose</c> trace when asked.</summary>
internal static class CliHttpClient
{
    public static HttpClient Create(CliContext context, bool verbose, TimeSpan timeout)
    {
        HttpMessageHandler handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) };
        if (verbose)
        {
            handler = new VerboseHttpHandler(context.Error, context.TimeProvider) { InnerHandler = handler };
        }

        return new HttpClient(handler) { Timeout = timeout };
    }
}
