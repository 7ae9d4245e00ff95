using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// Turns a case's <c>mappings</c> (WireMock stub mappings in the subset spec/conformance/README.md defines, as the Java
/// WireMock admin API takes them) into WireMock.Net's admin JSON (<c>POST /__admin/mappings</c> of WireMock.Net, or
/// <c>WireMockServer.WithMapping</c>), keeping their meaning: <c>urlPath</c> is an exact path, a header matcher
/// <c>contains</c> a case-sensitive text, <c>matches</c>/<c>doesNotMatch</c> apply to the whole body and must all hold,
/// scenarios start in <c>Started</c> (WireMock.Net's state-less start) and keep their last state, <c>priority</c>
/// defaults to 5, <c>fixedDelayMilliseconds</c> holds the answer (through <see cref="LoopbackWireMock"/>'s
/// <see cref="WireMockResponses.DelayHeader"/>, so a sequence moves on when the request arrives, as in WireMock),
/// <c>fault: EMPTY_RESPONSE</c> closes the connection (through the <see cref="NetworkFaultProxy"/>), <c>base64Body</c> is
/// sent as bytes, and <c>${mockBase}</c> in bodies and header values becomes the mock's address. The case files stay
/// the single source; a member outside the subset is refused with its name.
/// </summary>
internal static class CaseMappings
{
    /// <summary>Stands for the mock's base address (no trailing slash) in response bodies and header values.</summary>
    public const string MockBase = "${mockBase}";

    private const string StartedState = "Started";
    private const int DefaultPriority = 5;
    private static readonly JsonSerializerOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string[] MappingMembers = ["request", "response", "scenarioName", "requiredScenarioState", "newScenarioState", "priority"];
    private static readonly string[] RequestMembers = ["method", "urlPath", "headers", "bodyPatterns"];
    private static readonly string[] ResponseMembers = ["status", "headers", "body", "jsonBody", "base64Body", "fault", "fixedDelayMilliseconds"];

    /// <summary>
    /// The case's mappings as one WireMock.Net admin JSON array, in file order, with <c>${mockBase}</c> replaced by
    /// <paramref name="mockBase"/>.
    /// </summary>
    public static string ToWireMockNetJson(ConformanceCase conformanceCase, Uri mockBase)
    {
        var baseText = mockBase.AbsoluteUri.TrimEnd('/');
        return new JsonArray([.. conformanceCase.Mappings.Select((mapping, index) => (JsonNode)ToWireMockNet(conformanceCase.FileName, index, mapping, baseText))]).ToJsonString();
    }

    private static JsonObject ToWireMockNet(string fileName, int index, JsonObject mapping, string mockBase)
    {
        var where = $"{fileName}: mappings[{index}]";
        RequireOnly(where, mapping, MappingMembers);
        var request = mapping["request"] as JsonObject ?? throw new InvalidDataException($"{where} has no request.");
        var response = mapping["response"] as JsonObject ?? throw new InvalidDataException($"{where} has no response.");
        var converted = new JsonObject
        {
            ["Priority"] = mapping["priority"]?.GetValue<int>() ?? DefaultPriority,
            ["Request"] = Request($"{where}.request", request),
            ["Response"] = Response($"{where}.response", response, mockBase),
        };

        if (mapping["scenarioName"]?.GetValue<string>() is { } scenario)
        {
            var required = mapping["requiredScenarioState"]?.GetValue<string>();
            var next = mapping["newScenarioState"]?.GetValue<string>();
            converted["Scenario"] = scenario;
            converted["WhenStateIs"] = required is null or StartedState ? null : required;

            // A WireMock.Net step that sets no state returns the scenario to its start; in WireMock it stays.
            converted["SetStateTo"] = (next ?? required) is { } state and not StartedState ? state : null;
        }

        return converted;
    }

    private static JsonObject Request(string where, JsonObject request)
    {
        RequireOnly(where, request, RequestMembers);
        var converted = new JsonObject
        {
            ["Methods"] = new JsonArray(Required(where, request, "method")),
            ["Path"] = Matchers(new JsonObject { ["Name"] = "ExactMatcher", ["Pattern"] = Required(where, request, "urlPath") }),
        };

        if (request["headers"] is JsonObject headers)
        {
            converted["Headers"] = new JsonArray([.. headers.Select(header => (JsonNode)new JsonObject
            {
                ["Name"] = header.Key,
                ["IgnoreCase"] = true,
                ["Matchers"] = new JsonArray(Contains($"{where}.headers.{header.Key}", header.Value as JsonObject)),
            })]);
        }

        if (request["bodyPatterns"] is JsonArray patterns)
        {
            var body = Matchers([.. patterns.Select((pattern, i) => BodyPattern($"{where}.bodyPatterns[{i}]", pattern as JsonObject))]);
            body["MatchOperator"] = "And";
            converted["Body"] = body;
        }

        return converted;
    }

    private static JsonObject Response(string where, JsonObject response, string mockBase)
    {
        RequireOnly(where, response, ResponseMembers);
        var headers = new JsonObject();
        JsonObject converted;
        if (response["fault"] is { } fault)
        {
            // The marker the testing library's NetworkFaultProxy acts on: it closes the connection without a byte.
            converted = fault.GetValue<string>() == "EMPTY_RESPONSE"
                ? new JsonObject { ["StatusCode"] = 599, ["Body"] = "EMPTY_RESPONSE: reached without the fault proxy." }
                : throw new InvalidDataException($"{where}.fault must be EMPTY_RESPONSE.");
            headers[NetworkFaultProxy.FaultHeader] = nameof(NetworkFault.EmptyResponse);
        }
        else
        {
            converted = new JsonObject { ["StatusCode"] = response["status"]?.GetValue<int>() ?? throw new InvalidDataException($"{where}.status is missing.") };
            foreach (var (name, value) in response["headers"] as JsonObject ?? [])
            {
                headers[name] = value!.GetValue<string>().Replace(MockBase, mockBase, StringComparison.Ordinal);
            }

            // Sent as exact text: a body byte for byte, a jsonBody as its compact serialisation; base64Body as its bytes.
            if (response["base64Body"]?.GetValue<string>() is { } base64)
            {
                converted["BodyAsBytes"] = base64;
            }
            else
            {
                converted["Body"] = (response["body"]?.GetValue<string>() ?? response["jsonBody"]?.ToJsonString(CompactJson) ?? string.Empty)
                    .Replace(MockBase, mockBase, StringComparison.Ordinal);
            }
        }

        if (response["fixedDelayMilliseconds"]?.GetValue<int>() is { } delay)
        {
            headers[WireMockResponses.DelayHeader] = delay.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (headers.Count > 0)
        {
            converted["Headers"] = headers;
        }

        return converted;
    }

    private static JsonObject Contains(string where, JsonObject? matcher) =>
        matcher is { Count: 1 } && matcher["contains"]?.GetValue<string>() is { } text
            ? new JsonObject { ["Name"] = "RegexMatcher", ["Pattern"] = Regex.Escape(text), ["IgnoreCase"] = false }
            : throw new InvalidDataException($"{where} must be {{\"contains\": text}}.");

    /// <summary>WireMock's body <c>matches</c> is a whole-body match; WireMock.Net's regex finds, so it is anchored here.</summary>
    private static JsonObject BodyPattern(string where, JsonObject? pattern) => pattern switch
    {
        { Count: 1 } when pattern["matches"]?.GetValue<string>() is { } regex =>
            new JsonObject { ["Name"] = "RegexMatcher", ["Pattern"] = $@"\A(?:{regex})\z" },
        { Count: 1 } when pattern["doesNotMatch"]?.GetValue<string>() is { } regex =>
            new JsonObject { ["Name"] = "RegexMatcher", ["Pattern"] = $@"\A(?:{regex})\z", ["RejectOnMatch"] = true },
        { Count: 1 } when pattern["contains"]?.GetValue<string>() is { } text =>
            new JsonObject { ["Name"] = "RegexMatcher", ["Pattern"] = Regex.Escape(text) },
        _ => throw new InvalidDataException($"{where} must be one of {{\"matches\"}}, {{\"doesNotMatch\"}}, {{\"contains\"}}."),
    };

    private static JsonObject Matchers(params JsonObject[] matchers) => new() { ["Matchers"] = new JsonArray([.. matchers]) };

    private static string Required(string where, JsonObject node, string member) =>
        node[member]?.GetValue<string>() ?? throw new InvalidDataException($"{where}.{member} is missing.");

    private static void RequireOnly(string where, JsonObject node, string[] allowed)
    {
        foreach (var (name, _) in node)
        {
            if (Array.IndexOf(allowed, name) < 0)
            {
                throw new InvalidDataException($"{where}.{name} is outside the mapping subset of spec/conformance/README.md; the runner does not translate it.");
            }
        }
    }
}
