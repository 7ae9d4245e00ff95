using System.Globalization;
using System.Net.Http.Headers;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Hosting;

/// <summary>
/// For <c>--verbose</c>: writes each request (method, URL, headers, form field names and values) and each response
/// (status, headers, duration) to standard error. Credentials are redacted to a fingerprint: <c>client_secret</c>,
/// <c>client_assertion</c>, <c>assertion</c>, <c>password</c> fields and the <c>Authorization</c> header. Response bodies
/// are never printed (they carry tokens). The managed identity secret headers (<c>X-IDENTITY-HEADER</c>, <c>secret</c>)
/// are redacted too, and so is a DPoP proof (<c>DPoP</c> header): it is made for one request, but a server accepts it
/// for a while and may not track its <c>jti</c>, so with the token it lets whoever copies it from a log make that
/// request (RFC 9449 §11.1). Its claims are shown instead (method, URL, time, whether a nonce is in it), which is what
/// a nonce or clock problem is debugged with; its signature never.
/// </summary>
internal sealed class VerboseHttpHandler(TextWriter log, TimeProvider timeProvider) : DelegatingHandler
{
    private static readonly string[] SecretFields = ["client_secret", "client_assertion", "assertion", "password", "refresh_token", "access_token"];
    private static readonly string[] SecretHeaders = ["Authorization", "Proxy-Authorization", "X-IDENTITY-HEADER", "secret"];

    private const string DPoPProofHeader = "DPoP";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await WriteRequestAsync(request, cancellationToken).ConfigureAwait(false);
        var started = timeProvider.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var elapsed = timeProvider.GetElapsedTime(started);
            Write(string.Create(CultureInfo.InvariantCulture, $"< HTTP {(int)response.StatusCode} {response.ReasonPhrase} after {elapsed.TotalMilliseconds:0.0} ms"));
            WriteHeaders("<", response.Headers);
            WriteHeaders("<", response.Content.Headers);
            return response;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            var elapsed = timeProvider.GetElapsedTime(started);
            Write(string.Create(CultureInfo.InvariantCulture, $"< no response after {elapsed.TotalMilliseconds:0.0} ms: {ex.GetType().Name}: {ex.Message}"));
            throw;
        }
    }

    private async Task WriteRequestAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Write($"> {request.Method} {request.RequestUri}");
        WriteHeaders(">", request.Headers);
        if (request.Content is null)
        {
            return;
        }

        WriteHeaders(">", request.Content.Headers);
        if (request.Content.Headers.ContentType?.MediaType == "application/x-www-form-urlencoded")
        {
            var body = await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            Write("> form: " + string.Join(", ", body.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(DescribeField)));
        }
    }

    private static string DescribeField(string pair)
    {
        var separator = pair.IndexOf('=', StringComparison.Ordinal);
        var name = Uri.UnescapeDataString((separator < 0 ? pair : pair[..separator]).Replace('+', ' '));
        var value = separator < 0 ? string.Empty : Uri.UnescapeDataString(pair[(separator + 1)..].Replace('+', ' '));
        return SecretFields.Contains(name, StringComparer.OrdinalIgnoreCase)
            ? $"{name}=<redacted {TokenFingerprint.Of(value)}>"
            : $"{name}={value}";
    }

    private void WriteHeaders(string direction, HttpHeaders headers)
    {
        foreach (var (name, values) in headers)
        {
            var shown = string.Equals(name, DPoPProofHeader, StringComparison.OrdinalIgnoreCase) ? DescribeProof(string.Join(",", values))
                : SecretHeaders.Contains(name, StringComparer.OrdinalIgnoreCase) ? $"<redacted {TokenFingerprint.Of(string.Join(",", values))}>"
                : string.Join(", ", values);
            Write($"{direction} {name}: {shown}");
        }
    }

    /// <summary>A DPoP proof as its fingerprint and the claims that explain it (never <c>jti</c>, <c>ath</c> or the signature).</summary>
    private static string DescribeProof(string proof)
    {
        var redacted = $"<redacted proof {TokenFingerprint.Of(proof)}";
        var parts = proof.Split('.');
        if (parts.Length != 3)
        {
            return redacted + ">";
        }

        try
        {
            using var claims = System.Text.Json.JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]));
            var root = claims.RootElement;
            var htm = root.TryGetProperty("htm", out var m) ? m.ToString() : "?";
            var htu = root.TryGetProperty("htu", out var u) ? u.ToString() : "?";
            var iat = root.TryGetProperty("iat", out var t) ? t.ToString() : "?";
            var nonce = root.TryGetProperty("nonce", out _) ? "with the server's nonce" : "without nonce";
            return string.Create(CultureInfo.InvariantCulture, $"{redacted}: htm {htm}, htu {htu}, iat {iat}, {nonce}>");
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return redacted + ">";
        }
    }

    /// <summary>Writes one line; header values and the reason phrase come from the server, so the line is neutralised.</summary>
    private void Write(string line)
    {
        lock (log)
        {
            log.WriteLine(UntrustedText.Neutralize(line, 8192));
        }
    }
}
