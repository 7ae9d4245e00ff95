namespace ClientCredentials.Protocol;

/// <summary>
/// What a token is requested for: scopes, an optional claims challenge, and extra form parameters (for example
/// RFC 8707 <c>resource</c> or an <c>audience</c> for servers that want one). Immutable.
/// </summary>
public sealed record TokenRequestParameters
{
    /// <summary>Creates parameters for <paramref name="scopes"/>.</summary>
    public TokenRequestParameters(params IReadOnlyList<string> scopes)
    {
        Scopes = scopes;
    }

    /// <summary>The scopes; for Entra exactly one <c>{resource}/.default</c>. Copied, so later changes to the given list have no effect.</summary>
    public IReadOnlyList<string> Scopes
    {
        get;
        init => field = value is null ? [] : [.. value];
    }

    /// <summary>A claims challenge to send as <c>claims</c> (from a <c>WWW-Authenticate</c> or an error response).</summary>
    public string? Claims { get; init; }

    /// <summary>Extra form parameters; they may not replace a parameter the library writes itself.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraParameters
    {
        get;
        init => field = value is null ? [] : [.. value];
    } = [];

    /// <summary>The <c>client-request-id</c> to send; a new GUID per request when null.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Skip the cached token and ask the identity provider (still shared with concurrent callers).</summary>
    public bool ForceRefresh { get; init; }
}
