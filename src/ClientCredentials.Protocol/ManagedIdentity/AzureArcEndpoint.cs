using System.Net;

namespace ClientCredentials.Protocol;

/// <summary>
/// Azure Arc-enabled servers: <c>GET {IDENTITY_ENDPOINT}?api-version=2019-11-01&amp;resource=…</c> with
/// <c>Metadata: true</c>. The agent answers the first request with 401 and <c>WWW-Authenticate: Basic realm={path}</c>
/// naming a key file it has just written; the request is sent again with <c>Authorization: Basic {file contents}</c>.
/// The file is read only when <see cref="ArcKeyFilePolicy"/> accepts its path and size, so a forged challenge cannot
/// make the client read (and send) any other file. System-assigned only.
/// </summary>
internal sealed class AzureArcEndpoint : ManagedIdentityEndpoint
{
    public const string ApiVersion = "2019-11-01";

    private readonly ArcKeyFilePolicy _keyFiles;

    public AzureArcEndpoint(Uri tokenEndpoint, ManagedIdentityId identity, ArcKeyFilePolicy keyFiles)
        : base(tokenEndpoint, identity)
    {
        RequireSystemAssigned(identity, "Azure Arc");
        _keyFiles = keyFiles;
    }

    public override ManagedIdentitySource Source => ManagedIdentitySource.AzureArc;

    public override HttpRequestMessage CreateRequest(string resource, string correlationId)
    {
        var request = Get(("api-version", ApiVersion), ("resource", resource));
        request.Headers.TryAddWithoutValidation("Metadata", "true");
        return request;
    }

    public override HttpRequestMessage? AnswerChallenge(HttpResponseMessage response, string resource, string correlationId)
    {
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return null;
        }

        var keyFile = ArcChallenge.KeyFilePath(response);
        var key = _keyFiles.Read(keyFile);
        var request = CreateRequest(resource, correlationId);
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + key);
        return request;
    }
}

/// <summary>Reads the key file path from the Arc agent's <c>WWW-Authenticate: Basic realm={path}</c> challenge.</summary>
internal static class ArcChallenge
{
    public const string Setting = "AzureArc:WWW-Authenticate";

    public static string KeyFilePath(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("WWW-Authenticate", out var values))
        {
            throw new ClientCredentialsConfigurationException(Setting, "The Azure Arc agent answered 401 without a WWW-Authenticate challenge naming its key file; check that IDENTITY_ENDPOINT is the agent's endpoint (http://localhost:40342/metadata/identity/oauth2/token) and the agent is running.");
        }

        var challenge = string.Join(",", values).Trim();
        const string scheme = "Basic ";
        var realm = challenge.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? challenge[scheme.Length..].Trim() : null;
        if (realm is null || !realm.StartsWith("realm=", StringComparison.OrdinalIgnoreCase))
        {
            throw new ClientCredentialsConfigurationException(Setting, "The Azure Arc agent's WWW-Authenticate header is not 'Basic realm=<key file path>'; it is not answered.");
        }

        var path = realm["realm=".Length..].Trim().Trim('"');
        if (path.Length == 0)
        {
            throw new ClientCredentialsConfigurationException(Setting, "The Azure Arc agent's challenge names no key file (empty realm); it is not answered.");
        }

        return path;
    }
}

/// <summary>
/// Where the Azure Arc agent may put the key file of its challenge, and how large it may be: on Linux
/// <c>/var/opt/azcmagent/tokens/</c>, on Windows <c>%ProgramData%\AzureConnectedMachineAgent\Tokens\</c>, a
/// <c>.key</c> file directly in that directory (no sub-directory, no link), at most 4096 bytes — the rules MSAL.NET
/// applies. Any other path is refused before the file is opened.
/// </summary>
internal sealed class ArcKeyFilePolicy(string directory, long maxBytes = ArcKeyFilePolicy.DefaultMaxBytes)
{
    /// <summary>The largest key file accepted.</summary>
    public const long DefaultMaxBytes = 4096;

    /// <summary>The directory the agent writes key files to on this operating system; null where Arc does not run.</summary>
    public static string? PlatformDirectory =>
        OperatingSystem.IsWindows() ? Environment.ExpandEnvironmentVariables(@"%ProgramData%\AzureConnectedMachineAgent\Tokens\")
        : OperatingSystem.IsLinux() ? "/var/opt/azcmagent/tokens/"
        : null;

    /// <summary>The policy for this operating system.</summary>
    public static ArcKeyFilePolicy ForPlatform() => new(PlatformDirectory ?? string.Empty);

    public string Directory { get; } = directory;

    /// <summary>Checks <paramref name="path"/> and returns the file's contents, trimmed.</summary>
    public string Read(string path)
    {
        if (Directory.Length == 0)
        {
            throw Refused($"Azure Arc managed identity is supported on Linux and Windows only; the key file '{path}' is not read on this operating system.");
        }

        var allowed = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Directory));
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw Refused($"The Azure Arc challenge names '{path}', which is not a valid path; it is not read.", ex);
        }

        if (!Path.IsPathFullyQualified(path) || !string.Equals(Path.GetDirectoryName(full), allowed, comparison) ||
            !string.Equals(Path.GetExtension(full), ".key", comparison) || !string.Equals(full, path, comparison))
        {
            throw Refused($"The Azure Arc challenge names the key file '{path}', which is not a .key file directly in {allowed}; only the agent's own key directory is read.");
        }

        var info = new FileInfo(full);
        if (!info.Exists)
        {
            throw Refused($"The Azure Arc key file '{full}' does not exist; check that this process may read {allowed} (Linux: member of the 'himds' group; Windows: Administrators or 'Hybrid agent extension applications').");
        }

        if (info.LinkTarget is not null)
        {
            throw Refused($"The Azure Arc key file '{full}' is a link; only a regular file written by the agent is read.");
        }

        if (info.Length > maxBytes)
        {
            throw Refused($"The Azure Arc key file '{full}' holds {info.Length} bytes, more than the {maxBytes} a key file may; it is not read.");
        }

        string key;
        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length > maxBytes)
            {
                throw Refused($"The Azure Arc key file '{full}' grew past {maxBytes} bytes while being opened; it is not read.");
            }

            using var reader = new StreamReader(stream);
            key = reader.ReadToEnd().Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Refused($"The Azure Arc key file '{full}' could not be read: {ex.Message}", ex);
        }

        if (key.Length == 0 || key.Any(char.IsControl))
        {
            throw Refused($"The Azure Arc key file '{full}' is empty or holds control characters; it is not sent.");
        }

        return key;
    }

    private static ClientCredentialsConfigurationException Refused(string message, Exception? inner = null) =>
        new("AzureArc:KeyFile", message, inner);
}
