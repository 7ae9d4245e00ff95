namespace ClientCredentials.Cli.Acquisition;

/// <summary>The authority and client id options as typed; null when absent.</summary>
internal sealed record AuthorityInput(string? Tenant, string? Instance, string? Authority, string? TokenEndpoint, string? Issuer, string? ClientId, string? Region = null, string? RegionalInstance = null);

/// <summary>The certificate options as typed.</summary>
internal sealed record CertificateInput(string? Path, string? PasswordEnv, bool PasswordStdin, bool SendX5c, string? SigningAlg = null, string? AssertionAudience = null);

/// <summary>The credential options as typed: exactly one of them (or the workload identity variables) must apply.</summary>
internal sealed record CredentialInput(string? SecretEnv, bool SecretStdin, CertificateInput Certificate, string? AssertionFile, string? ClientAuth = null)
{
    /// <summary>A CA file trusted for the servers' TLS certificates (also for the metadata request).</summary>
    public string? TlsCaFile { get; init; }
}

/// <summary>The scope options as typed.</summary>
internal sealed record ScopeInput(IReadOnlyList<string> Scopes, string? Resource);

/// <summary>The DPoP options as typed (RFC 9449).</summary>
internal sealed record DPoPInput(bool Enabled, string? KeyFile, string? Url, string? Method, string? Nonce)
{
    public bool Requested => Enabled || KeyFile is not null;
}
