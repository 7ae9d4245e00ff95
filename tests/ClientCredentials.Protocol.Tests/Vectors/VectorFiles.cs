using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace ClientCredentials.Protocol.Tests.Vectors;

/// <summary>
/// Where the spec vectors are: the copies in the test output (<c>vectors/</c>, linked from <c>spec/vectors</c> by the
/// csproj) for reading, and the source folder for regenerating. Loads the TEST ONLY keys with their certificates.
/// </summary>
internal static class VectorFiles
{
    public const string RsaCertificate = "keys/TEST-ONLY-rsa2048.cert.pem";
    public const string RsaPrivateKey = "keys/TEST-ONLY-rsa2048.key.pem";
    public const string Rsa1024Certificate = "keys/TEST-ONLY-rsa1024.cert.pem";
    public const string Rsa1024PrivateKey = "keys/TEST-ONLY-rsa1024.key.pem";
    public const string EcCertificate = "keys/TEST-ONLY-ec-p256.cert.pem";
    public const string EcPrivateKey = "keys/TEST-ONLY-ec-p256.key.pem";

    /// <summary>The group files, in the order the generator writes them.</summary>
    public static readonly string[] Groups =
    [
        "certificate-thumbprints.json",
        "client-assertions.json",
        "certificate-checks.json",
        "basic-credentials.json",
        "resource-scopes.json",
        "scope-validation.json",
        "token-endpoints.json",
        "form-encoding.json",
        "token-requests.json",
    ];

    public static string OutputDirectory => Path.Combine(AppContext.BaseDirectory, "vectors");

    /// <summary>The repository's <c>spec/vectors</c>, found by walking up from the test output.</summary>
    public static string SourceDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "spec", "vectors");
                if (Directory.Exists(Path.Combine(dir.FullName, "spec", "conformance")))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException("spec/vectors not found above " + AppContext.BaseDirectory);
        }
    }

    public static string FullPath(string relative) => Path.Combine(OutputDirectory, relative.Replace('/', Path.DirectorySeparatorChar));

    public static JsonObject Load(string group) =>
        JsonNode.Parse(File.ReadAllText(FullPath(group)))!.AsObject();

    public static JsonArray Vectors(string group) => Load(group)["vectors"]!.AsArray();

    public static JsonObject Vector(string group, string name) =>
        Vectors(group).Single(v => (string?)v!["name"] == name)!.AsObject();

    /// <summary>xunit member data: one row per vector name in <paramref name="group"/>.</summary>
    public static TheoryData<string> Names(string group)
    {
        var data = new TheoryData<string>();
        foreach (var vector in Vectors(group))
        {
            data.Add((string)vector!["name"]!);
        }

        return data;
    }

    public static X509Certificate2 LoadCertificate(string certificateFile, string? keyFile)
    {
        return keyFile is null
            ? X509Certificate2.CreateFromPem(File.ReadAllText(FullPath(certificateFile)))
            : X509Certificate2.CreateFromPemFile(FullPath(certificateFile), FullPath(keyFile));
    }
}
