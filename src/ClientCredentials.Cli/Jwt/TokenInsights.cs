namespace ClientCredentials.Cli.Jwt;

/// <summary>
/// What a person wants to know about an access token at a glance: who it is for, what it allows, when it is
/// valid, and the traps worth a warning (an app-only token without <c>roles</c>, an expired token).
/// </summary>
internal sealed record TokenInsights
{
    public required IReadOnlyList<string> Audiences { get; init; }

    public string? Issuer { get; init; }

    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>Delegated scopes (<c>scp</c>, space-separated in the token).</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    public DateTimeOffset? ExpiresOn { get; init; }

    public DateTimeOffset? NotBefore { get; init; }

    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>True for an app-only token: <c>idtyp</c> is <c>app</c>, or there is no <c>scp</c>.</summary>
    public bool IsAppOnly { get; init; }

    public required IReadOnlyList<string> Warnings { get; init; }

    public static TokenInsights Of(JwtDocument jwt, DateTimeOffset now)
    {
        var roles = jwt.GetStrings("roles");
        var scopes = (jwt.GetString("scp") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var appOnly = string.Equals(jwt.GetString("idtyp"), "app", StringComparison.OrdinalIgnoreCase) || scopes.Length == 0;
        var expires = jwt.GetTime("exp");
        var notBefore = jwt.GetTime("nbf");
        var warnings = new List<string>();
        if (appOnly && roles.Count == 0)
        {
            warnings.Add(
                "This app-only token carries no 'roles': the application holds no application permission (app role) on this resource. " +
                "APIs such as Microsoft Graph answer 403 \"Insufficient privileges\". Grant an application permission to the app and have an administrator consent, then get a new token.");
        }

        if (expires is { } exp && exp <= now)
        {
            warnings.Add($"The token expired {RelativeTime.Describe(exp, now)}; resources will answer 401.");
        }

        if (notBefore is { } nbf && nbf > now)
        {
            warnings.Add($"The token is not valid until {RelativeTime.Describe(nbf, now)}; check the clocks.");
        }

        if (jwt.Header.TryGetProperty("nonce", out _))
        {
            warnings.Add("The header has a 'nonce': this is a Microsoft Graph token, whose signature only Graph can validate; do not validate it in your own API.");
        }

        return new TokenInsights
        {
            Audiences = jwt.GetStrings("aud"),
            Issuer = jwt.GetString("iss"),
            Roles = roles,
            Scopes = scopes,
            ExpiresOn = expires,
            NotBefore = notBefore,
            IssuedAt = jwt.GetTime("iat"),
            IsAppOnly = appOnly,
            Warnings = warnings,
        };
    }
}
