using ClientCredentials.Cli.Hosting;

namespace ClientCredentials.Cli.Acquisition;

/// <summary>
/// Reads secrets and passwords from where the CLI allows them: an environment variable named on the command line, or
/// standard input. Never from an argument, which would land in shell history and process listings.
/// </summary>
internal static class SecretReader
{
    public static string FromEnvironment(CliContext context, string variable, string option)
    {
        if (string.IsNullOrWhiteSpace(variable))
        {
            throw new CliUsageException($"{option} needs the NAME of an environment variable that holds the value, not the value itself.");
        }

        var value = context.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(value))
        {
            // The name is not repeated: when a secret was passed where its variable's name belongs, it would be printed.
            var notAName = LooksLikeVariableName(variable)
                ? string.Empty
                : " What was given is not a variable name (letters, digits and '_'); if it is the secret itself, it is now in your shell history: rotate it.";
            throw new CliConfigurationException(option, $"The environment variable named by {option} is not set or is empty (the name is not shown here, in case a secret was passed in its place).{notAName} Export it before running cc-token (for example: read -rs NAME && export NAME), then pass {option} NAME.");
        }

        return value;
    }

    /// <summary>POSIX portable environment variable names: letters, digits and underscores, not starting with a digit.</summary>
    private static bool LooksLikeVariableName(string name) =>
        !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Reads all of standard input and drops the line break a shell or <c>echo</c> adds at the end.</summary>
    public static string FromStandardInput(CliContext context, string what, string option)
    {
        if (context.InputIsTerminal)
        {
            context.Error.WriteLine($"Type the {what}, then press Enter and Ctrl+D (Ctrl+Z then Enter on Windows):");
        }

        var value = context.In.ReadToEnd().TrimEnd('\r', '\n');
        if (value.Length == 0)
        {
            throw new CliConfigurationException(option, $"Standard input was empty; {option} expects the {what} on standard input (for example: cc-token ... {option} < file).");
        }

        return value;
    }
}
