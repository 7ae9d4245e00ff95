using System.Globalization;
using System.Net;
using ClientCredentials.Protocol.Fuzz.Inputs;

namespace ClientCredentials.Protocol.Fuzz.Targets;

/// <summary>
/// The core's token response reader (RFC 6749 §5.1/§5.2 and AAD's additions) on any status, headers and body. Input:
/// <c>{status} [entra|adfs|generic] [default-lifetime-seconds]</c>, header lines, an empty line, the body; bytes without
/// that head are a body answered with 200 to an Entra client. Invariant: an <see cref="AccessToken"/> whose times are
/// inside the 10-year bound, or a <see cref="TokenEndpointException"/> carrying the status; nothing else.
/// </summary>
public sealed class TokenResponseTarget : FuzzTarget
{
    /// <summary>The instant every fuzzed request was sent: the spec vectors' clock.</summary>
    public static readonly DateTimeOffset RequestedAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(3650);
    private static readonly IReadOnlyList<string> Scopes = ["https://graph.microsoft.com/.default"];
    private const string CorrelationId = "00000000-0000-0000-0000-00000000c0de";

    /// <inheritdoc />
    public override string Name => "response";

    /// <inheritdoc />
    public override string Description => "TokenResponseReader.Read: any status, headers and body give an AccessToken or a TokenEndpointException.";

    /// <inheritdoc />
    public override void Run(ReadOnlySpan<byte> input)
    {
        var (status, kind, defaultLifetime, headers, body) = Decode(input);
        using var response = new HttpResponseMessage(status);
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        var context = new TokenResponseContext(Scopes, CorrelationId, RequestedAt, kind, defaultLifetime);
        AccessToken token;
        try
        {
            token = TokenResponseReader.Read(status, response.Headers, body, context);
        }
        catch (TokenEndpointException ex)
        {
            CheckError(ex, status);
            return;
        }

        CheckToken(token);
    }

    private static void CheckToken(AccessToken token)
    {
        Require(token.Token.Length > 0 && token.TokenType.Length > 0, "a token without value or type");
        Require(token.ExpiresOn >= RequestedAt && token.ExpiresOn <= RequestedAt + MaxLifetime, $"ExpiresOn {token.ExpiresOn:O} outside [now, now + 10 years]");
        Require(token.RefreshOn is null || (token.RefreshOn > RequestedAt && token.RefreshOn < token.ExpiresOn), $"RefreshOn {token.RefreshOn:O} not between now and ExpiresOn");
        Require(token.ExtendedExpiresOn is null || (token.ExtendedExpiresOn >= RequestedAt && token.ExtendedExpiresOn <= RequestedAt + MaxLifetime), $"ExtendedExpiresOn {token.ExtendedExpiresOn:O} outside [now, now + 10 years]");
        Require(token.CorrelationId == CorrelationId && token.Source == TokenSource.IdentityProvider, "the token lost its correlation id or source");
        Require(token.Token.Length < 12 || !token.ToString().Contains(token.Token, StringComparison.Ordinal), "ToString() shows the access token");
        _ = token.AdditionalFields.Count;
    }

    private static void CheckError(TokenEndpointException ex, HttpStatusCode status)
    {
        Require(ex.StatusCode == status, $"the error reports HTTP {(int)ex.StatusCode}, the response was {(int)status}");
        Require(!string.IsNullOrEmpty(ex.Error) && !string.IsNullOrEmpty(ex.Message), "an error without code or message");
        Require(ex.RetryAfter is null || ex.RetryAfter >= TimeSpan.Zero, $"a negative Retry-After {ex.RetryAfter}");
        Require(ex.ResponseSnippet is null || ex.ResponseSnippet.Length <= 512, "a response snippet over 512 characters");
        _ = (ex.IsTransient, ex.Details.ServerRequestedWait, ex.Details.IsLoopDetected, ex.Remedy, ex.ToString());
    }

    private static void Require(bool condition, string violation)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(violation);
        }
    }

    private static (HttpStatusCode Status, AuthorityKind Kind, TimeSpan? DefaultLifetime, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body) Decode(ReadOnlySpan<byte> input)
    {
        if (HttpTextMessage.TryParse(input) is { } message)
        {
            var words = message.StartLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 0 && int.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 999)
            {
                var kind = words.Length > 1 ? KindOf(words[1]) : AuthorityKind.Entra;
                TimeSpan? lifetime = words.Length > 2 && int.TryParse(words[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                    ? TimeSpan.FromSeconds(seconds)
                    : null;
                return ((HttpStatusCode)code, kind, lifetime, message.Headers, message.Body);
            }
        }

        return (HttpStatusCode.OK, AuthorityKind.Entra, null, [], input.ToArray());
    }

    private static AuthorityKind KindOf(string word) => word.ToLowerInvariant() switch
    {
        "adfs" => AuthorityKind.Adfs,
        "generic" => AuthorityKind.Generic,
        _ => AuthorityKind.Entra,
    };
}
