namespace ClientCredentials.Protocol;

/// <summary>What the response reader needs to know about the request it answers.</summary>
internal sealed record TokenResponseContext(
    IReadOnlyList<string> Scopes,
    string CorrelationId,
    DateTimeOffset RequestedAt,
    AuthorityKind AuthorityKind,
    TimeSpan? DefaultLifetime,
    RegionalRoute RegionalRoute = RegionalRoute.NotRegional);
