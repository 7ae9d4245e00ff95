namespace ClientCredentials.Protocol.Testing;

/// <summary>Finds the WireMock jar and the Java runtime, or says exactly how to provide them.</summary>
internal static class WireMockLocator
{
    private static readonly string[] NpmJarFolder = ["tests", "wiremock", "node_modules", "wiremock", "build"];

    /// <summary>Resolves the jar: explicit path, then <c>WIREMOCK_JAR</c>, then the npm install in this repository.</summary>
    public static string FindJar(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return RequireJarFile(explicitPath, $"{nameof(WireMockServerOptions)}.{nameof(WireMockServerOptions.JarPath)}");
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(WireMockServerOptions.JarPathEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return RequireJarFile(fromEnvironment, $"the environment variable {WireMockServerOptions.JarPathEnvironmentVariable}");
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var build = Path.Combine([directory.FullName, .. NpmJarFolder]);
            if (!Directory.Exists(build))
            {
                continue;
            }

            var newest = Directory.GetFiles(build, "wiremock-standalone-*.jar").Order(StringComparer.Ordinal).LastOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        throw new WireMockJarNotFoundException(
            "The WireMock standalone jar was not found: no tests/wiremock/node_modules/wiremock/build/wiremock-standalone-*.jar " +
            $"above {AppContext.BaseDirectory}. Run `npm ci` in tests/wiremock (building ClientCredentials.Protocol.Testing does it " +
            $"when npm is on PATH), or set {WireMockServerOptions.JarPathEnvironmentVariable} to the path of a wiremock-standalone jar.");
    }

    /// <summary>Resolves <c>java</c>: explicit path, then <c>JAVA_HOME</c>, then <c>PATH</c>.</summary>
    public static string FindJava(string? explicitPath)
    {
        const string install = "Install Java 17 or newer (apt-get install openjdk-17-jre-headless) or set JAVA_HOME.";
        var executable = OperatingSystem.IsWindows() ? "java.exe" : "java";

        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return File.Exists(explicitPath)
                ? Path.GetFullPath(explicitPath)
                : throw new JavaRuntimeNotFoundException(
                    $"No java executable at '{explicitPath}' ({nameof(WireMockServerOptions)}.{nameof(WireMockServerOptions.JavaPath)}). {install}");
        }

        var javaHome = Environment.GetEnvironmentVariable("JAVA_HOME");
        if (!string.IsNullOrWhiteSpace(javaHome))
        {
            var candidate = Path.Combine(javaHome, "bin", executable);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var candidate = Path.Combine(directory, executable);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new JavaRuntimeNotFoundException(
            $"No java executable found under JAVA_HOME ('{javaHome}') or on PATH; WireMock needs it. {install}");
    }

    private static string RequireJarFile(string path, string source)
    {
        if (File.Exists(path))
        {
            return Path.GetFullPath(path);
        }

        throw new WireMockJarNotFoundException(
            $"The WireMock jar '{path}' given by {source} does not exist. Point it at an existing wiremock-standalone-*.jar, " +
            "or leave it unset to use the jar `npm ci` installs in tests/wiremock/node_modules/wiremock/build/.");
    }
}
