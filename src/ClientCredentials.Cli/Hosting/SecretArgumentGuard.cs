namespace ClientCredentials.Cli.Hosting;

/// <summary>
/// Refuses options that would carry a secret as a plain argument (<c>--secret</c>, <c>--client-secret</c>,
/// <c>--password</c>...), before the parser could echo the value in an "unrecognized argument" message. A value
/// typed on the command line lands in shell history, process listings and CI logs.
/// </summary>
internal static class SecretArgumentGuard
{
    private static readonly string[] Refused = ["--secret", "--client-secret", "--password", "--certificate-password", "--client-assertion", "--assertion"];

    /// <summary>The refused option found in <paramref name="args"/>, or null.</summary>
    public static string? FindSecretArgument(IEnumerable<string> args) =>
        args.Select(arg => arg.Split('=', 2)[0]).FirstOrDefault(name => Refused.Contains(name, StringComparer.OrdinalIgnoreCase));

    public static string Explain(string option) =>
        $"{option} is not an option: cc-token never takes a secret as an argument, where it would be visible in shell history and process listings. " +
        "Use --secret-env NAME or --secret-stdin for a client secret, --certificate-password-env NAME or --certificate-password-stdin for a certificate password, --assertion-file PATH for an assertion.";
}
