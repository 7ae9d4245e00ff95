using ClientCredentials.Cli.Acquisition;
using ClientCredentials.Cli.Hosting;
using ClientCredentials.Cli.Output;

namespace ClientCredentials.Cli.Commands;

/// <summary>Runs a command body and turns any failure into its exit code and one clear report.</summary>
internal static class CommandRunner
{
    /// <summary>
    /// Runs <paramref name="body"/>; on failure prints one report (as one JSON object on standard output when
    /// <paramref name="jsonErrors"/>, for <c>--output json</c>; else one paragraph on standard error of
    /// <paramref name="context"/>) and returns the failure's exit code.
    /// </summary>
    public static async Task<int> RunAsync(CliContext context, bool jsonErrors, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var error = ErrorClassifier.Classify(ex);
            if (jsonErrors)
            {
                ErrorWriter.WriteJson(context.Out, error);
            }
            else
            {
                ErrorWriter.WriteText(context.Error, error);
            }

            return error.ExitCode;
        }
    }
}
