using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClientCredentials.Emulator;

/// <summary>
/// The emulator configuration's JSON shape, generated at compile time so that the native (AOT) <c>cc-token</c> reads
/// it without reflection: camelCase names, comments and trailing commas allowed, unknown members refused.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    AllowTrailingCommas = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(EmulatorOptions))]
internal sealed partial class EmulatorOptionsJsonContext : JsonSerializerContext;
