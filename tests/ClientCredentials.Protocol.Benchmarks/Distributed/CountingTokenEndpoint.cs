using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ClientCredentials.Protocol.Benchmarks.Distributed;

/// <summary>
/// A token endpoint on 127.0.0.1 (HttpListener) for the fleet processes: answers every POST to <c>…/token</c> with an
/// AAD v2 success body after a delay (a real Entra round trip takes 100–300 ms, so cold instances overlap), and counts
/// the requests. Anything else is a 404, counted apart.
/// </summary>
internal sealed class CountingTokenEndpoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly byte[] _body;
    private readonly TimeSpan _delay;
    private readonly Task _serving;
    private int _tokenRequests;
    private int _otherRequests;

    public CountingTokenEndpoint(string accessToken, TimeSpan delay)
    {
        _delay = delay;
        _body = Encoding.UTF8.GetBytes($$"""{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"{{accessToken}}"}""");
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port { get; }

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    public int OtherRequests => Volatile.Read(ref _otherRequests);

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = AnswerAsync(context);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var response = context.Response;
        if (context.Request.HttpMethod != "POST" || context.Request.Url?.AbsolutePath.EndsWith("/token", StringComparison.Ordinal) != true)
        {
            Interlocked.Increment(ref _otherRequests);
            response.StatusCode = 404;
            return;
        }

        Interlocked.Increment(ref _tokenRequests);
        await Task.Delay(_delay);
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength64 = _body.Length;
        await response.OutputStream.WriteAsync(_body);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
