using System.Text.Json.Serialization;

namespace ClientCredentials.Emulator;

/// <summary>
/// A federated identity credential: assertions from <see cref="Issuer"/> about <see cref="Subject"/> for
/// <see cref="Audience"/>, signed by one of <see cref="SigningKeys"/>, authenticate the application. Or, with
/// <see cref="ManagedIdentity"/>, tokens this emulator issued to one of its managed identities (issuer
/// <c>{base}/{tenant}/v2.0</c>, subject = the identity's object id, the emulator's own signing key), as an Entra app
/// registration trusts a managed identity.
/// </summary>
/// <remarks>
/// Members with a default are settable rather than init-only: the JSON source generator (which the native cc-token
/// needs) would replace an init-only member's default with zero when the file omits it (dotnet/runtime#84484).
/// </remarks>
public sealed record EmulatorFederatedCredential
{
    /// <summary>The external issuer (<c>iss</c>), compared exactly (AAD matches case-sensitively). Not set with <see cref="ManagedIdentity"/>.</summary>
    public string? Issuer { get; init; }

    /// <summary>The subject (<c>sub</c>), compared exactly. Not set with <see cref="ManagedIdentity"/>.</summary>
    public string? Subject { get; init; }

    /// <summary>The object id or client id of one of the emulator's <see cref="EmulatorOptions.ManagedIdentities"/> whose tokens are trusted.</summary>
    public string? ManagedIdentity { get; init; }

    /// <summary>The audience the assertion must carry.</summary>
    public string Audience { get; set; } = "api://AzureADTokenExchange";

    /// <summary>The issuer's public keys: each a JWK (JSON object or its text) or a PEM public key. Not set with <see cref="ManagedIdentity"/>.</summary>
    [JsonConverter(typeof(SigningKeyListConverter))]
    public IReadOnlyList<string> SigningKeys { get; set; } = [];
}
