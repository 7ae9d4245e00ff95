namespace ClientCredentials.Emulator;

/// <summary>A client secret and its expiry. The value never appears in logs or <see cref="ToString"/>.</summary>
public sealed record EmulatorSecret
{
    /// <summary>The secret value the client sends.</summary>
    public required string Value { get; init; }

    /// <summary>When the secret stops working (AADSTS7000222 afterwards); <see langword="null"/> never expires.</summary>
    public DateTimeOffset? ExpiresOn { get; init; }

    /// <summary>Describes the secret without its value.</summary>
    public override string ToString() => $"EmulatorSecret {{ Value = ***, ExpiresOn = {ExpiresOn?.ToString("O") ?? "never"} }}";
}
