namespace ClientCredentials.Cli.Hosting;

/// <summary>
/// Refuses options that would carry a secret as a plain argument (<c>--secret</c>, <c>--client-secret</c>,
/// <c>--clientsecret</c>, <c>--client_secret</c>, <c>--password</c>..., with the value after a space, <c>=</c> or
/// <c>:</c>), before the parser could echo the value in an "unrecognized argument" message. A value typed on the
/// command line lands in shell history, process listings and CI logs.
/// </summary>
internal static class SecretArgumentGuard
{
    /// <summary>Option names, without dashes or underscores and in lower case, that would carry a secret.</summary>
    private static readonly string[] Refused = ["secret", "clientsecret", "password", "certificatepassword", "pfxpassword", "clientassertion", "assertion"];

    /// <summary>The refused option (its name only, as typed) found in <paramref name="args"/>, or null.</summary>
    public static string? FindSecretArgument(IEnumerable<string> args) =>
        args.Where(arg => arg.StartsWith('-'))
            .Select(arg => arg.Split('=', ':')[0])
            .FirstOrDefault(IsSecretName);

    /// <summary>Whether an option name (<c>--client_secret</c>, <c>--ClientSecret</c>...) names a secret.</summary>
    public static bool IsSecretName(string option)
    {
        var normalized = option.TrimStart('-').Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        return Refused.Contains(normalized, StringComparer.OrdinalIgnoreCase);
    }

    public static string Explain(string option) =>
        $"{option} is not an option: cc-token never takes a secret as an argument, where it would be visible in shell history and process listings. " +
        "Use --secret-env NAME or --secret-stdin for a client secret, --certificate-password-env NAME or --certificate-password-stdin for a certificate password, --assertion-file PATH for an assertion.";
}
