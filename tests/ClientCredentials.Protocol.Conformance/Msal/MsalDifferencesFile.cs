using System.Text.Json.Nodes;

namespace ClientCredentials.Protocol.Conformance.Msal;

/// <summary>
/// Reads spec/msal-differences.json: an array of <c>{"id", "kind", "scenario"?, "name", "msal", "ours", "checkedBy", "reason"}</c>.
/// Only entries with <c>"checkedBy": "differential"</c> are observable here (the others, such as Basic authentication,
/// which MSAL lacks, are checked by the vectors and cases they name). An entry without <c>scenario</c> stands for every
/// scenario it applies to (assertion kinds: the certificate scenarios), except where an entry naming that scenario gives
/// the same kind and name another value.
/// </summary>
internal static class MsalDifferencesFile
{
    /// <summary>The listed differences, expanded to one per scenario; throws on an entry that breaks the format.</summary>
    public static IReadOnlyList<RequestDifference> Load(IReadOnlyList<DifferentialScenario> scenarios)
    {
        var path = RepositoryPaths.MsalDifferencesFile;
        var entries = JsonNode.Parse(File.ReadAllText(path)) as JsonArray
            ?? throw new InvalidDataException($"{path} must hold a JSON array.");
        var expanded = new List<(RequestDifference Difference, bool Specific)>();
        for (var index = 0; index < entries.Count; index++)
        {
            var entry = entries[index] as JsonObject ?? throw Invalid(index, "is not an object");
            if (entry["checkedBy"] is not JsonValue checkedBy || !checkedBy.TryGetValue<string>(out var by) || by != "differential")
            {
                continue;
            }

            var kind = Text(entry, "kind", index);
            if (Array.IndexOf(RequestDifference.Kinds, kind) < 0)
            {
                throw Invalid(index, $"has kind '{kind}'; use one of {string.Join(", ", RequestDifference.Kinds)}");
            }

            var name = Text(entry, "name", index);
            if (string.IsNullOrWhiteSpace(Text(entry, "reason", index)))
            {
                throw Invalid(index, "has an empty reason");
            }

            if (!entry.ContainsKey("msal") || !entry.ContainsKey("ours"))
            {
                throw Invalid(index, "needs both 'msal' and 'ours' (null = not sent)");
            }

            var scenarioName = entry["scenario"]?.GetValue<string>();
            if (scenarioName is not null && scenarios.All(s => s.Name != scenarioName))
            {
                throw Invalid(index, $"names scenario '{scenarioName}'; the scenarios are {string.Join(", ", scenarios.Select(s => s.Name))}");
            }

            foreach (var scenario in scenarios.Where(s => scenarioName is null ? RequestDifference.AppliesTo(kind, s) : s.Name == scenarioName))
            {
                expanded.Add((RequestDifference.Of(scenario.Name, kind, name, entry["msal"], entry["ours"]), scenarioName is not null));
            }
        }

        return [.. expanded
            .Where(e => e.Specific || !expanded.Any(o => o.Specific && o.Difference.Scenario == e.Difference.Scenario && o.Difference.Kind == e.Difference.Kind && o.Difference.Name == e.Difference.Name))
            .Select(e => e.Difference)];
    }

    private static string Text(JsonObject entry, string member, int index) =>
        entry[member] is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw Invalid(index, $"needs a string '{member}'");

    private static InvalidDataException Invalid(int index, string problem) =>
        new($"{RepositoryPaths.MsalDifferencesFile}: entry {index} {problem}.");
}
