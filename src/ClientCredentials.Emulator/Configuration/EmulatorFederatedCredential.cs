using System.Text.Json.Serialization;

namespace ClientCredentials.Emulator;

/// <summary>
/// A federated identity credential: assertions from <see cref="Issuer"/> about <see cref="Subject"/> for
/// <see cref="Audience"/>, signed by one of <see cref="SigningKeys"/>, authenticate the application.
/// </summary>
/// <remarks>
/// Members with a default are settable rather than init-only: the JSON source generator (which the native cc-token
/// needs) would replace an init-only member's default with zero when the file omits it (dotnet/runtime#84484).
/// </remarks>
public sealed record EmulatorFederatedCredential
{
    /// <summary>The external issuer (<c>iss</c>), compared exactly (AAD matches case-sensitively).</summary>
    public required string Issuer { get; init; }

    /// <summary>The subject (<c>sub</c>), compared exactly.</summary>
    public required string Subject { get; init; }

    /// <summary>The audience the assertion must carry.</summary>
    public string Audience { get; set; } = "api://AzureADTokenExchange";

    /// <summary>The issuer's public keys: each a JWK (JSON object or its text) or a PEM public key.</summary>
    [JsonConverter(typeof(SigningKeyListConverter))]
    public IReadOnlyList<string> SigningKeys { get; set; } = [];
}
