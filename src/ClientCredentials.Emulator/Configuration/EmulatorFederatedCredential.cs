using System.Text.Json.Serialization;

namespace ClientCredentials.Emulator;

/// <summary>
/// A federated identity credential: assertions from <see cref="Issuer"/> about <see cref="Subject"/> for
/// <see cref="Audience"/>, signed by one of <see cref="SigningKeys"/>, authenticate the application.
/// </summary>
public sealed record EmulatorFederatedCredential
{
    /// <summary>The external issuer (<c>iss</c>), compared exactly (AAD matches case-sensitively).</summary>
    public required string Issuer { get; init; }

    /// <summary>The subject (<c>sub</c>), compared exactly.</summary>
    public required string Subject { get; init; }

    /// <summary>The audience the assertion must carry.</summary>
    public string Audience { get; init; } = "api://AzureADTokenExchange";

    /// <summary>The issuer's public keys: each a JWK (JSON object or its text) or a PEM public key.</summary>
    [JsonConverter(typeof(SigningKeyListConverter))]
    public IReadOnlyList<string> SigningKeys { get; init; } = [];
}
