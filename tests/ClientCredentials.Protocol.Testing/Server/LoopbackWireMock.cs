using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// A WireMock.Net server running in this process on 127.0.0.1, for one test. It starts in milliseconds, so each test
/// takes its own (a field of the test class, disposed with it) and no test sees another's stubs, scenarios or requests;
/// test classes run in parallel. Stub it through <see cref="Server"/> (WireMock.Net's fluent API) with the answers of
/// <see cref="WireMockResponses"/>; read what the client sent from <see cref="Requests"/>.
/// </summary>
/// <remarks>
/// <para>
/// A small middleware in front of WireMock.Net's does what WireMock.Net does differently from the Java WireMock the
/// tests were written against. It journals each request as it arrives (<see cref="Requests"/>), so the journal is
/// complete as soon as a request has reached the server; WireMock.Net logs a request only after its answer, delay
/// included. And it carries out <see cref="WireMockResponses.DelayedBy"/>: the stub is chosen, and a sequence moves on,
/// when the request arrives; only the answer waits. WireMock.Net's own <c>WithDelay</c> holds the scenario state until
/// the delay ends, so a retry during the delay would get the slow answer again. And <see cref="Dispose"/> closes every
/// connection before stopping WireMock.Net, whose stop can return while Kestrel still answers kept-alive connections,
/// and then waits until the port refuses new ones (Kestrel's listener closes a few milliseconds after that stop).
/// </para>
/// </remarks>
public sealed class LoopbackWireMock : IDisposable
{
    private static readonly Lazy<bool> WarmedUp = new(WarmUp, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly NetworkFaultProxy? _faultProxy;
    private readonly ServerFront _front;

    private LoopbackWireMock(WireMockServer server, ServerFront front, NetworkFaultProxy? faultProxy)
    {
        Server = server;
        _front = front;
        _faultProxy = faultProxy;
        ServerAddress = new Uri(server.Url! + "/");
        BaseAddress = faultProxy?.BaseAddress ?? ServerAddress;
    }

    /// <summary>The WireMock.Net server: <c>Server.Given(Request.Create()…).RespondWith(…)</c>.</summary>
    public WireMockServer Server { get; }

    /// <summary>
    /// Where the client under test sends its requests, ending in <c>/</c>: the WireMock server itself, or the
    /// <see cref="NetworkFaultProxy"/> in front of it when started with <see cref="StartWithNetworkFaults"/>.
    /// </summary>
    public Uri BaseAddress { get; }

    /// <summary>The WireMock server's own address, <c>http://127.0.0.1:{port}/</c> (no fault proxy).</summary>
    public Uri ServerAddress { get; }

    /// <summary>Every request the server received, in order of arrival, matched or not.</summary>
    public IReadOnlyList<WireMockRecordedRequest> Requests => _front.Requests;

    /// <summary>How many requests the server received, matched or not.</summary>
    public int RequestCount => _front.Count;

    /// <summary>The answered requests no stub matched (WireMock.Net answered them 404), oldest first.</summary>
    public IReadOnlyList<WireMockRecordedRequest> UnmatchedRequests =>
        [.. Server.LogEntries.Where(entry => entry.MappingGuid is null).Select(entry => WireMockRecordedRequest.From(entry.RequestMessage))];

    /// <summary>Starts a server on a free port of 127.0.0.1; clients talk to it directly.</summary>
    public static LoopbackWireMock Start()
    {
        _ = WarmedUp.Value;
        var front = new ServerFront();
        return new(StartServer(front), front, null);
    }

    /// <summary>
    /// Starts a server with a <see cref="NetworkFaultProxy"/> in front: <see cref="BaseAddress"/> is the proxy's, so
    /// stubs answering <see cref="WireMockResponses.NetworkFault"/> or a dribbled body take effect.
    /// </summary>
    public static LoopbackWireMock StartWithNetworkFaults()
    {
        _ = WarmedUp.Value;
        var front = new ServerFront();
        var server = StartServer(front);
        return new(server, front, NetworkFaultProxy.Start(new Uri(server.Url!)));
    }

    /// <summary>The absolute URL of <paramref name="path"/> on <see cref="BaseAddress"/>.</summary>
    public Uri Url(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new Uri(BaseAddress, path.TrimStart('/'));
    }

    /// <summary>Answers every request that <paramref name="request"/> matches with <paramref name="response"/>.</summary>
    public void Stub(IRequestBuilder request, IResponseBuilder response) => Server.Given(request).RespondWith(response);

    /// <summary>
    /// Answers the requests <paramref name="request"/> matches with <paramref name="responsesInOrder"/>, one per
    /// request, as a WireMock scenario; the last answer keeps repeating. Example: a 500, then a token, for a retry test.
    /// </summary>
    public void StubSequence(IRequestBuilder request, params IResponseBuilder[] responsesInOrder)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responsesInOrder);
        if (responsesInOrder.Length == 0)
        {
            throw new ArgumentException("A sequence needs at least one answer.", nameof(responsesInOrder));
        }

        if (responsesInOrder.Length == 1)
        {
            Stub(request, responsesInOrder[0]);
            return;
        }

        // A scenario starts in no state: the first step matches then, every later one in its own state. The last
        // step sets its own state again, because a step that sets none sends the scenario back to the start.
        var scenario = $"sequence-{Guid.NewGuid():N}";
        for (var step = 0; step < responsesInOrder.Length; step++)
        {
            var given = Server.Given(request).InScenario(scenario);
            if (step > 0)
            {
                given = given.WhenStateIs(StepState(step));
            }

            var next = Math.Min(step + 1, responsesInOrder.Length - 1);
            given.WillSetStateTo(StepState(next)).RespondWith(responsesInOrder[step]);
        }
    }

    /// <summary>
    /// Waits until the server has received at least <paramref name="count"/> requests (a signal from the journal, no
    /// polling). Gives up after 10 s so that a test whose client never sends fails instead of hanging.
    /// </summary>
    public Task WaitForRequestsAsync(int count, CancellationToken cancellationToken = default) =>
        _front.WaitForCountAsync(count, cancellationToken);

    /// <summary>
    /// Stops the proxy (if any) and the server: every open connection is closed, including idle keep-alive ones, and
    /// the ports refuse connections afterwards. Requests still waiting on a stub's delay are cut off.
    /// </summary>
    public void Dispose()
    {
        _faultProxy?.Dispose();

        // WireMock.Net's Stop can return while Kestrel still drains kept-alive connections, which would then still
        // be answered; closing them first makes the stop immediate.
        _front.CloseConnections();
        Server.Stop();
        Server.Dispose();
        WaitUntilRefused(ServerAddress.Port);
    }

    /// <summary>
    /// Kestrel can close its listening socket a moment after WireMock.Net's stop has returned; a connection made in
    /// that moment is accepted and then reset. Waits (at most five seconds) until the port refuses connections, as
    /// <see cref="Dispose"/> promises. A port that still accepts at the end was taken over by another server.
    /// </summary>
    private static void WaitUntilRefused(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Connect(IPAddress.Loopback, port);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return;
            }
            catch (SocketException)
            {
                // Reset while the listener closes: try again.
            }

            Thread.Sleep(10);
        }
    }

    private static string StepState(int step) => $"step-{step + 1}";

    /// <summary>
    /// The first request to an in-process WireMock.Net compiles its whole pipeline (hundreds of milliseconds on a busy
    /// machine), which would count against the first test's client timeouts. One request per test process, through a
    /// sequence, a held answer and the fault proxy, pays for it up front.
    /// </summary>
    private static bool WarmUp()
    {
        var front = new ServerFront();
        var server = StartServer(front);
        using var mock = new LoopbackWireMock(server, front, NetworkFaultProxy.Start(new Uri(server.Url!)));
        mock.StubSequence(WireMockResponses.Post("/warm-up"), WireMockResponses.AccessToken("warm-up").DelayedBy(TimeSpan.Zero), WireMockResponses.AccessToken("warm-up"));
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };
        using var response = http.PostAsync(mock.Url("warm-up"), new FormUrlEncodedContent([])).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        return true;
    }

    private static WireMockServer StartServer(ServerFront front) => WireMockServer.Start(new WireMockServerSettings
    {
        // Port 0: the OS picks a free port on the loopback interface only.
        Urls = ["http://127.0.0.1:0"],
        StartAdminInterface = false,

        // Keep form bodies as the text the client sent.
        DisableDeserializeFormUrlEncoded = true,
        PreWireMockMiddlewareInit = app => ((IApplicationBuilder)app).Use(front.InvokeAsync),
        AdditionalServiceRegistration = services => services.Configure<KestrelServerOptions>(
            kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Use(front.TrackConnection))),
    });

    /// <summary>
    /// The middleware in front of WireMock.Net's: records each request as it arrives, holds an answer marked with
    /// <see cref="WireMockResponses.DelayHeader"/> for its delay, and ends a request whose connection is gone (a client
    /// that gave up, or <see cref="CloseConnections"/>) without waiting for its answer. It also keeps the server's
    /// open connections, so that disposing can close them.
    /// </summary>
    private sealed class ServerFront
    {
        private readonly Lock _gate = new();
        private readonly List<WireMockRecordedRequest> _requests = [];
        private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
        private readonly ConcurrentDictionary<ConnectionContext, byte> _connections = new();

        public IReadOnlyList<WireMockRecordedRequest> Requests
        {
            get
            {
                lock (_gate)
                {
                    return [.. _requests];
                }
            }
        }

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _requests.Count;
                }
            }
        }

        public async Task InvokeAsync(HttpContext context, RequestDelegate next)
        {
            context.Request.EnableBuffering();
            using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8, leaveOpen: true))
            {
                var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
                context.Request.Body.Position = 0;
                Add(WireMockRecordedRequest.From(context.Request, body, TimeProvider.System.GetUtcNow()));
            }

            var wire = context.Response.Body;
            using var answer = new MemoryStream();
            context.Response.Body = answer;
            try
            {
                await next(context).WaitAsync(context.RequestAborted).ConfigureAwait(false);
                if (context.Response.Headers.TryGetValue(WireMockResponses.DelayHeader, out var delay))
                {
                    context.Response.Headers.Remove(WireMockResponses.DelayHeader);

                    // The server's simulated slowness: the answer is ready, the client gets it later.
                    await Task.Delay(TimeSpan.FromMilliseconds(long.Parse(delay.ToString(), CultureInfo.InvariantCulture)), context.RequestAborted).ConfigureAwait(false);
                }

                context.Response.Body = wire;
                context.Response.ContentLength ??= answer.Length;
                answer.Position = 0;
                await answer.CopyToAsync(wire, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The connection is gone: nobody is left to answer.
            }
            finally
            {
                context.Response.Body = wire;
            }
        }

        public async Task WaitForCountAsync(int count, CancellationToken cancellationToken)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_requests.Count >= count)
                {
                    return;
                }

                _waiters.Add((count, reached));
            }

            try
            {
                await reached.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"The server received {Count} request(s) within 10 s, not {count}.");
            }
        }

        /// <summary>Kestrel connection middleware: keeps each connection while it is open.</summary>
        public ConnectionDelegate TrackConnection(ConnectionDelegate next) => async connection =>
        {
            _connections[connection] = 0;
            try
            {
                await next(connection).ConfigureAwait(false);
            }
            finally
            {
                _connections.TryRemove(connection, out _);
            }
        };

        public void CloseConnections()
        {
            foreach (var connection in _connections.Keys)
            {
                connection.Abort();
            }
        }

        private void Add(WireMockRecordedRequest request)
        {
            List<TaskCompletionSource> reached;
            lock (_gate)
            {
                _requests.Add(request);
                reached = [.. _waiters.Where(w => w.Count <= _requests.Count).Select(w => w.Reached)];
                _waiters.RemoveAll(w => w.Count <= _requests.Count);
            }

            reached.ForEach(signal => signal.TrySetResult());
        }
    }
}
