using System.Text.Json.Nodes;

namespace ClientCredentials.Protocol.Conformance.Msal;

/// <summary>
/// One way MSAL.NET's token request differs from ours in one scenario: a form field, a header, or an assertion
/// header member or claim, with each side's normalized value (null = not sent). Compared by value.
/// </summary>
internal sealed record RequestDifference(string Scenario, string Kind, string Name, string Msal, string Ours)
{
    public const string Form = "form";
    public const string Header = "header";
    public const string AssertionHeader = "assertion-header";
    public const string AssertionClaim = "assertion-claim";

    public static readonly string[] Kinds = [Form, Header, AssertionHeader, AssertionClaim];

    /// <summary>Creates a difference; header names are case-insensitive (RFC 9110 §5.1), so they are kept lower-case.</summary>
    public static RequestDifference Of(string scenario, string kind, string name, JsonNode? msal, JsonNode? ours) =>
        new(scenario, kind, kind == Header ? name.ToLowerInvariant() : name, Canonical(msal), Canonical(ours));

    /// <summary>Assertion differences apply only to scenarios that authenticate with a certificate.</summary>
    public static bool AppliesTo(string kind, DifferentialScenario scenario) =>
        kind is Form or Header || scenario.UsesCertificate;

    /// <summary>A JSON text per side, so that "null", a string and an array compare exactly.</summary>
    public static string Canonical(JsonNode? value) => value?.ToJsonString() ?? "null";

    public override string ToString() =>
        $$"""{"kind":"{{Kind}}","scenario":"{{Scenario}}","name":{{JsonValue.Create(Name).ToJsonString()}},"msal":{{Msal}},"ours":{{Ours}}}""";
}
