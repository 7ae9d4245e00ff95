using System.Text.Json;
using ClientCredentials.Emulator.Directory;
using ClientCredentials.Emulator.Endpoints;
using ClientCredentials.Emulator.Errors;
using ClientCredentials.Emulator.Faults;
using ClientCredentials.Emulator.Signing;
using ClientCredentials.Emulator.Tokens;
using ClientCredentials.Protocol.Fuzz.Inputs;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ClientCredentials.Protocol.Fuzz.Targets;

/// <summary>
/// The emulator's token endpoint from the request bytes on: ASP.NET Core's form reading, the emulator's form and HTTP
/// Basic parsing, client assertion reading and validation, token issuing. Input: <c>POST {path}</c>, header lines, an
/// empty line, the body; bytes without that head are a form body POSTed to the v2 endpoint of the vectors' tenant.
/// Invariant: every request is answered, with 200 and a token or with an AAD-shaped 4xx error; never an exception
/// (Kestrel's 500) and never another shape.
/// </summary>
public sealed class EmulatorTokenRequestTarget : FuzzTarget
{
    private const string DefaultPath = "/" + EmulatorDirectory.Domain + "/oauth2/v2.0/token";

    private readonly Lazy<TokenEndpoint> _endpoint = new(Create);

    /// <inheritdoc />
    public override string Name => "form";

    /// <inheritdoc />
    public override string Description => "Emulator token endpoint (form body, HTTP Basic, client_assertion): any request gets 200 with a token or an AAD-shaped 4xx error.";

    /// <inheritdoc />
    public override void Run(ReadOnlySpan<byte> input)
    {
        if (ContextFor(input) is not { } context)
        {
            return;
        }

        var version = context.Request.Path.Value!.EndsWith("/oauth2/token", StringComparison.Ordinal) ? TokenEndpointVersion.V1 : TokenEndpointVersion.V2;
        _endpoint.Value.HandleAsync(context, version).GetAwaiter().GetResult();
        CheckAnswer(context.Response);
    }

    /// <summary>
    /// The request as Kestrel hands it to the endpoint; null for a request line or Host header that Kestrel refuses
    /// with 400 itself (a path with an escaped NUL, a Host that is not a host name), so the endpoint never sees it.
    /// </summary>
    private static DefaultHttpContext? ContextFor(ReadOnlySpan<byte> input)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = HttpMethods.Post;
        request.Scheme = "https";
        request.Host = new HostString(EmulatorDirectory.Host);
        var message = HttpTextMessage.TryParse(input);
        var words = message?.StartLine.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (message is null || words.Length < 2 || !words[1].StartsWith('/'))
        {
            request.Path = DefaultPath;
            request.ContentType = "application/x-www-form-urlencoded";
            request.Body = new MemoryStream(input.ToArray());
        }
        else
        {
            try
            {
                request.Path = words[1];
            }
            catch (InvalidOperationException)
            {
                return null;
            }

            foreach (var (name, value) in message.Headers)
            {
                // Kestrel answers 400 itself for a header line without a name (RFC 9112 §5.1: field-name is a token)
                // and for a Host it cannot parse; such requests never reach the emulator.
                if (name.Length == 0 || (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase) && !IsHostName(value)))
                {
                    return null;
                }

                request.Headers.Append(name, value);
            }

            request.Body = new MemoryStream(message.Body);
        }

        var segments = request.Path.Value!.Split('/');
        request.RouteValues["tenant"] = segments.Length > 1 ? segments[1] : string.Empty;
        context.Response.Body = new MemoryStream();
        return context;
    }

    /// <summary>A conservative subset of what Kestrel accepts in Host (RFC 9110 §7.2: uri-host [":" port]).</summary>
    private static bool IsHostName(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '[' or ']');

    private static void CheckAnswer(HttpResponse response)
    {
        var body = ((MemoryStream)response.Body).ToArray();
        JsonElement json;
        try
        {
            using var document = JsonDocument.Parse(body);
            json = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new FuzzInvariantException($"HTTP {response.StatusCode} with a body that is not JSON", ex);
        }

        var isToken = response.StatusCode == StatusCodes.Status200OK && json.ValueKind == JsonValueKind.Object &&
            json.TryGetProperty("access_token", out var token) && token.ValueKind == JsonValueKind.String &&
            json.TryGetProperty("token_type", out _);
        var isError = response.StatusCode is StatusCodes.Status400BadRequest or StatusCodes.Status401Unauthorized && json.ValueKind == JsonValueKind.Object &&
            json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String &&
            json.TryGetProperty("error_codes", out var codes) && codes.ValueKind == JsonValueKind.Array;
        if (!isToken && !isError)
        {
            throw new FuzzInvariantException($"HTTP {response.StatusCode} with neither a token nor an AAD error: {json.GetRawText()}");
        }
    }

    /// <summary>The endpoint wired as <c>EmulatorServer</c> wires it, on a fixed clock and without Kestrel.</summary>
    private static TokenEndpoint Create()
    {
        var options = EmulatorDirectory.Options();
        var snapshot = EmulatorOptionsValidator.Validate(options);
        var clock = new FakeTimeProvider(EmulatorDirectory.Now);
        var signingKey = new EmulatorSigningKey(clock);
        var faults = new FaultInjector(clock);
        faults.Reset(options.Faults);
        var address = new EmulatorAddress();
        address.Set("https://" + EmulatorDirectory.Host);
        var processor = new TokenRequestProcessor(
            () => snapshot,
            new ClientSecretVerifier(clock),
            new CertificateAssertionValidator(new AssertionReplayCache(clock), clock, options),
            new FederatedAssertionValidator(clock, options, signingKey, address),
            new AccessTokenIssuer(signingKey, clock, options));
        return new TokenEndpoint(processor, _ => faults, _ => null, new AadErrorWriter(clock), address, NullLogger.Instance);
    }
}
