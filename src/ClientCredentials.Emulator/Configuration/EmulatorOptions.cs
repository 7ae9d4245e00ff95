using System.Text.Json;

namespace ClientCredentials.Emulator;

/// <summary>
/// Everything the emulator knows: tenants, client applications, resources (APIs), token lifetimes, fault injection
/// and the sample protected API. Load it from JSON with <see cref="Load"/> or <see cref="Parse"/>, or build
/// it in code. <see cref="Validate"/> runs before the server starts.
/// </summary>
/// <remarks>
/// Members with a default are settable rather than init-only: the JSON source generator (which the native cc-token
/// needs) would replace an init-only member's default with zero when the file omits it (dotnet/runtime#84484).
/// </remarks>
public sealed record EmulatorOptions
{
    /// <summary>The directories (tenants) the emulator serves.</summary>
    public IReadOnlyList<EmulatorTenant> Tenants { get; set; } = [];

    /// <summary>The client applications (service principals) that may request tokens.</summary>
    public IReadOnlyList<EmulatorApplication> Applications { get; set; } = [];

    /// <summary>The resources (APIs) tokens can be issued for, shared by all tenants.</summary>
    public IReadOnlyList<EmulatorResource> Resources { get; set; } = [];

    /// <summary>Lifetime of issued access tokens; AAD's default answer is <c>expires_in: 3599</c>.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromSeconds(3599);

    /// <summary>Longest accepted client assertion lifetime (<c>exp</c> minus <c>nbf</c>, or <c>iat</c>).</summary>
    public TimeSpan MaxAssertionLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Clock skew tolerated on assertion and access token <c>exp</c>/<c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Faults injected into token endpoint responses before normal processing.</summary>
    public EmulatorFaults Faults { get; set; } = new();

    /// <summary>The sample protected API at <c>GET /api/whoami</c>; <see langword="null"/> disables it.</summary>
    public EmulatorProtectedApi? ProtectedApi { get; init; }

    /// <summary>The managed identities of the emulated Azure resource (served by the IMDS and App Service endpoints).</summary>
    public IReadOnlyList<EmulatorManagedIdentity> ManagedIdentities { get; set; } = [];

    /// <summary>
    /// The secret the App Service endpoint expects in <c>X-IDENTITY-HEADER</c> (the value App Service puts in
    /// <c>IDENTITY_HEADER</c>); a random one is made at start when null (EmulatorServer.AppServiceIdentityHeader).
    /// </summary>
    public string? AppServiceIdentityHeader { get; init; }

    /// <summary>Reads and validates options from a JSON file (camelCase names, comments allowed).</summary>
    /// <exception cref="EmulatorConfigurationException">The file is missing, not JSON of this shape, or invalid.</exception>
    public static EmulatorOptions Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EmulatorConfigurationException($"Cannot read the emulator configuration file '{path}': {ex.Message}", ex);
        }

        return ParseFrom(json, path);
    }

    /// <summary>Parses and validates options from a JSON string (camelCase names, comments allowed).</summary>
    /// <exception cref="EmulatorConfigurationException">The text is not JSON of this shape, or the options are invalid.</exception>
    public static EmulatorOptions Parse(string json) => ParseFrom(json, "JSON text");

    private static EmulatorOptions ParseFrom(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        EmulatorOptions? options;
        try
        {
            options = JsonSerializer.Deserialize(json, EmulatorOptionsJsonContext.Default.EmulatorOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null ? string.Empty : $" at {ex.Path}";
            throw new EmulatorConfigurationException($"The emulator configuration in {source} is not valid JSON of the expected shape{where}: {ex.Message}", ex);
        }

        if (options is null)
        {
            throw new EmulatorConfigurationException($"The emulator configuration in {source} is empty (null).");
        }

        options.Validate();
        return options;
    }

    /// <summary>Checks every rule the emulator relies on and says which entry breaks which rule.</summary>
    /// <exception cref="EmulatorConfigurationException">The options are not usable.</exception>
    public void Validate() => Directory.EmulatorOptionsValidator.Validate(this);
}
