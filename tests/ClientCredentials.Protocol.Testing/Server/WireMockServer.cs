using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// A real WireMock (Java) server on 127.0.0.1 and a client for its admin API (<c>/__admin</c>). Start one with
/// <see cref="StartAsync"/>; in xunit tests prefer the shared server behind <see cref="WireMockFixture"/>.
/// The request journal records a request before WireMock sends the response, so a test may read it as soon as its
/// HTTP call has returned or failed.
/// </summary>
public sealed class WireMockServer : IAsyncDisposable
{
    private const int MaxPortAttempts = 5;
    private static readonly TimeSpan HealthPollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan HealthAttemptTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan AdminCallTimeout = TimeSpan.FromSeconds(30);

    private readonly WireMockProcess _process;
    private readonly HttpClient _admin;
    private readonly EventHandler _killOnProcessExit;
    private int _disposed;

    private WireMockServer(WireMockProcess process, HttpClient admin, TimeSpan startupTime)
    {
        _process = process;
        _admin = admin;
        BaseAddress = admin.BaseAddress!;
        StartupTime = startupTime;
        _killOnProcessExit = (_, _) => process.Kill();
        AppDomain.CurrentDomain.ProcessExit += _killOnProcessExit;
    }

    /// <summary>Where stubs are served: <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>How long it took from launching Java until <c>GET /__admin/health</c> answered.</summary>
    public TimeSpan StartupTime { get; }

    /// <summary>The last lines WireMock wrote to stdout and stderr, for diagnosing a failed test.</summary>
    public string ProcessOutput => _process.Output;

    /// <summary>
    /// Finds the jar and Java, launches WireMock on a free loopback port (retrying if the port is taken meanwhile) and
    /// waits until its health endpoint answers.
    /// </summary>
    /// <exception cref="WireMockJarNotFoundException">The jar is missing.</exception>
    /// <exception cref="JavaRuntimeNotFoundException">Java is missing.</exception>
    /// <exception cref="WireMockStartupException">WireMock exited or did not become healthy within the startup timeout.</exception>
    public static async Task<WireMockServer> StartAsync(WireMockServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new WireMockServerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.StartupTimeout, TimeSpan.Zero, nameof(options.StartupTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ContainerThreads, 8, nameof(options.ContainerThreads));
        ArgumentNullException.ThrowIfNull(options.AdditionalArguments, nameof(options.AdditionalArguments));

        var jar = WireMockLocator.FindJar(options.JarPath);
        var java = WireMockLocator.FindJava(options.JavaPath);
        var time = TimeProvider.System;
        var launched = time.GetTimestamp();

        for (var attempt = 1; ; attempt++)
        {
            var port = FreeTcpPort.Pick();
            var wireMock = WireMockProcess.Start(java, jar, port, options);
            var adminClient = CreateAdminClient(port);
            try
            {
                if (await BecameHealthyAsync(wireMock, adminClient, options.StartupTimeout, time, cancellationToken).ConfigureAwait(false))
                {
                    return new WireMockServer(wireMock, adminClient, time.GetElapsedTime(launched));
                }

                if (!wireMock.FailedBecausePortWasTaken() || attempt == MaxPortAttempts)
                {
                    throw new WireMockStartupException(
                        $"WireMock ({jar}) exited with code {wireMock.ExitCode} before answering GET /__admin/health on port {port}. " +
                        $"Java 17 or newer is required. Process output:{Environment.NewLine}{wireMock.Output}",
                        wireMock.Output);
                }
            }
            catch
            {
                adminClient.Dispose();
                wireMock.Dispose();
                throw;
            }

            adminClient.Dispose();
            wireMock.Dispose();
        }
    }

    /// <summary>Adds one stub mapping given as WireMock JSON and returns its id.</summary>
    /// <exception cref="ArgumentException"><paramref name="mappingJson"/> is not a JSON object.</exception>
    /// <exception cref="WireMockAdminException">WireMock rejected the mapping.</exception>
    public Task<Guid> AddMappingAsync(string mappingJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mappingJson);
        JsonNode? mapping;
        try
        {
            mapping = JsonNode.Parse(mappingJson);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The mapping is not valid JSON: {e.Message}", nameof(mappingJson), e);
        }

        return AddMappingAsync(mapping!, cancellationToken);
    }

    /// <summary>Adds one stub mapping (<c>POST /__admin/mappings</c>) and returns its id.</summary>
    /// <exception cref="ArgumentException"><paramref name="mapping"/> is not a JSON object.</exception>
    /// <exception cref="WireMockAdminException">WireMock rejected the mapping.</exception>
    public async Task<Guid> AddMappingAsync(JsonNode mapping, CancellationToken cancellationToken = default)
    {
        var created = await SendAsync(HttpMethod.Post, "__admin/mappings", RequireObject(mapping, nameof(mapping)), cancellationToken).ConfigureAwait(false);
        return created?["id"]?.GetValue<string>() is { } id
            ? Guid.Parse(id)
            : throw new WireMockAdminException("WireMock created the mapping but returned no id.", HttpStatusCode.Created, created?.ToJsonString() ?? string.Empty);
    }

    /// <summary>
    /// Adds several stub mappings in one call (<c>POST /__admin/mappings/import</c>) and returns their ids in order.
    /// Mappings without an <c>id</c> get a new one; the given objects are not modified.
    /// </summary>
    /// <exception cref="ArgumentException">An element is not a JSON object.</exception>
    /// <exception cref="WireMockAdminException">WireMock rejected a mapping.</exception>
    public async Task<IReadOnlyList<Guid>> AddMappingsAsync(IEnumerable<JsonNode> mappings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        var ids = new List<Guid>();
        var payload = new JsonArray();
        foreach (var mapping in mappings)
        {
            var copy = (JsonObject)RequireObject(mapping, nameof(mappings)).DeepClone();
            var id = copy["id"]?.GetValue<string>() is { } existing ? Guid.Parse(existing) : Guid.NewGuid();
            copy["id"] = id.ToString();
            ids.Add(id);
            payload.Add(copy);
        }

        await SendAsync(HttpMethod.Post, "__admin/mappings/import", new JsonObject { ["mappings"] = payload }, cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <summary>Removes one stub mapping by id (<c>DELETE /__admin/mappings/{id}</c>).</summary>
    /// <exception cref="WireMockAdminException">No mapping has that id (404).</exception>
    public Task RemoveMappingAsync(Guid id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"__admin/mappings/{id}", null, cancellationToken);

    /// <summary>
    /// Removes every mapping, clears the request journal and resets every scenario (<c>POST /__admin/reset</c>).
    /// On a server shared by tests running in parallel use <see cref="WireMockTestScope"/> instead.
    /// </summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        await SendAsync(HttpMethod.Post, "__admin/reset", null, cancellationToken).ConfigureAwait(false);
        await ResetScenariosAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every request in the journal (<c>GET /__admin/requests</c>), oldest first, matched or not.</summary>
    public async Task<IReadOnlyList<WireMockRecordedRequest>> GetRequestsAsync(CancellationToken cancellationToken = default)
    {
        var journal = await SendAsync(HttpMethod.Get, "__admin/requests", null, cancellationToken).ConfigureAwait(false);
        var newestFirst = journal?["requests"]?.AsArray() ?? [];
        return [.. newestFirst.Reverse().Select(serveEvent => WireMockRecordedRequest.FromJournal(serveEvent!["request"]!.AsObject()))];
    }

    /// <summary>
    /// The journal's requests matching a WireMock request pattern (<c>POST /__admin/requests/find</c>), oldest first.
    /// Example pattern: <c>{"method":"POST","urlPath":"/tenant/oauth2/v2.0/token"}</c>.
    /// </summary>
    /// <exception cref="WireMockAdminException">The pattern is not valid WireMock JSON.</exception>
    public async Task<IReadOnlyList<WireMockRecordedRequest>> FindRequestsAsync(JsonObject requestPattern, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestPattern);
        var found = await SendAsync(HttpMethod.Post, "__admin/requests/find", requestPattern, cancellationToken).ConfigureAwait(false);
        return [.. (found?["requests"]?.AsArray() ?? []).Select(request => WireMockRecordedRequest.FromJournal(request!.AsObject()))];
    }

    /// <summary>How many journal requests match a WireMock request pattern (<c>POST /__admin/requests/count</c>).</summary>
    /// <exception cref="WireMockAdminException">The pattern is not valid WireMock JSON.</exception>
    public async Task<int> CountRequestsAsync(JsonObject requestPattern, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestPattern);
        var counted = await SendAsync(HttpMethod.Post, "__admin/requests/count", requestPattern, cancellationToken).ConfigureAwait(false);
        return counted?["count"]?.GetValue<int>()
            ?? throw new WireMockAdminException("WireMock answered the count without a count.", HttpStatusCode.OK, counted?.ToJsonString() ?? string.Empty);
    }

    /// <summary>Removes the journal's requests that match a WireMock request pattern (<c>POST /__admin/requests/remove</c>).</summary>
    public Task RemoveRequestsAsync(JsonObject requestPattern, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestPattern);
        return SendAsync(HttpMethod.Post, "__admin/requests/remove", requestPattern, cancellationToken);
    }

    /// <summary>Moves every scenario back to its <c>Started</c> state (<c>POST /__admin/scenarios/reset</c>).</summary>
    public Task ResetScenariosAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "__admin/scenarios/reset", null, cancellationToken);

    /// <summary>Sets one scenario's state (<c>PUT /__admin/scenarios/{name}/state</c>); <c>"Started"</c> resets it.</summary>
    /// <exception cref="WireMockAdminException">No mapping defines the scenario (404).</exception>
    public Task SetScenarioStateAsync(string scenarioName, string state, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scenarioName);
        ArgumentException.ThrowIfNullOrEmpty(state);
        return SendAsync(HttpMethod.Put, $"__admin/scenarios/{Uri.EscapeDataString(scenarioName)}/state", new JsonObject { ["state"] = state }, cancellationToken);
    }

    /// <summary>Stops WireMock: kills the Java process tree and deletes its temporary root directory.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit -= _killOnProcessExit;
            _admin.Dispose();
            _process.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private static HttpClient CreateAdminClient(int port) =>
        new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = AdminCallTimeout,
        };

    /// <summary>Polls the health endpoint until it answers (true), the process exits (false), or the timeout elapses (throws).</summary>
    private static async Task<bool> BecameHealthyAsync(
        WireMockProcess wireMock, HttpClient adminClient, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            while (true)
            {
                if (wireMock.HasExited)
                {
                    return false;
                }

                if (await AnswersHealthAsync(adminClient, time, linked.Token).ConfigureAwait(false))
                {
                    return !wireMock.HasExited;
                }

                await Task.Delay(HealthPollInterval, time, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new WireMockStartupException(
                $"WireMock did not answer GET /__admin/health on port {wireMock.Port} within {timeout.TotalSeconds:0.#} s. " +
                $"Raise {nameof(WireMockServerOptions)}.{nameof(WireMockServerOptions.StartupTimeout)} on a slow machine. " +
                $"Process output:{Environment.NewLine}{wireMock.Output}",
                wireMock.Output,
                e);
        }
    }

    private static async Task<bool> AnswersHealthAsync(HttpClient adminClient, TimeProvider time, CancellationToken cancellationToken)
    {
        using var attempt = new CancellationTokenSource(HealthAttemptTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(attempt.Token, cancellationToken);
        try
        {
            using var response = await adminClient.GetAsync("__admin/health", linked.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (attempt.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static JsonObject RequireObject(JsonNode? node, string parameterName) =>
        node as JsonObject ?? throw new ArgumentException(
            $"A WireMock mapping must be a JSON object with \"request\" and \"response\", not {node?.GetValueKind().ToString() ?? "null"}.",
            parameterName);

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _admin.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new WireMockAdminException(
                $"WireMock admin API {method} /{path} answered {(int)response.StatusCode} {response.StatusCode}: {text}",
                response.StatusCode,
                text);
        }

        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }
}
