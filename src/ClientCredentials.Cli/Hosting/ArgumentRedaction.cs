using System.CommandLine;
using System.Text.RegularExpressions;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Hosting;

/// <summary>
/// Reports command-line parse errors without ever quoting an argument verbatim that could be a secret typed in the
/// wrong place (<c>--clientsecret VALUE</c>, <c>-s VALUE</c>, <c>--secret:VALUE</c>, a stray value). Only the names
/// of cc-token's own commands and options, and bare option names (<c>--name</c>, <c>-x</c>), are shown as typed;
/// <c>--name=VALUE</c> and <c>--name:VALUE</c> keep the name and hide the value; anything else is named by its
/// position (<c>argument 4</c>).
/// </summary>
internal static partial class ArgumentRedaction
{
    /// <summary>The parse errors of <paramref name="parse"/>, each with every unsafe argument replaced by its redacted form.</summary>
    public static IReadOnlyList<string> Messages(ParseResult parse, IReadOnlyList<string> args, RootCommand root)
    {
        var known = KnownNames(root);
        var replacements = new List<(string Raw, string Shown)>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.Length > 0 && !IsShowable(arg, known) && replacements.TrueForAll(r => r.Raw != arg))
            {
                replacements.Add((arg, Redacted(arg, i)));
            }
        }

        // Longest first, so that an argument containing a shorter one is replaced whole.
        replacements.Sort((a, b) => b.Raw.Length.CompareTo(a.Raw.Length));
        var messages = new List<string>(parse.Errors.Count);
        foreach (var error in parse.Errors)
        {
            var message = error.Message;
            foreach (var (raw, shown) in replacements)
            {
                // The parser quotes the tokens it names; an unquoted occurrence is replaced too when the token is long
                // enough to be a secret rather than a word of the message.
                message = message.Replace("'" + raw + "'", shown, StringComparison.Ordinal);
                if (raw.Length >= 8)
                {
                    message = message.Replace(raw, shown, StringComparison.Ordinal);
                }
            }

            messages.Add(UntrustedText.Neutralize(message, 1024));
        }

        return messages;
    }

    private static bool IsShowable(string arg, HashSet<string> known) =>
        known.Contains(arg) || BareOption().IsMatch(arg);

    private static string Redacted(string arg, int index)
    {
        var position = index + 1;
        return OptionName().Match(arg) is { Success: true } match && match.Length < arg.Length && arg[match.Length] is '=' or ':'
            ? $"'{match.Groups["name"].Value}{arg[match.Length]}…' (argument {position}, value not shown)"
            : $"argument {position} (not shown)";
    }

    private static HashSet<string> KnownNames(Command root)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<Command>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var command = pending.Pop();
            names.Add(command.Name);
            names.UnionWith(command.Aliases);
            foreach (var option in command.Options)
            {
                names.Add(option.Name);
                names.UnionWith(option.Aliases);
            }

            foreach (var sub in command.Subcommands)
            {
                pending.Push(sub);
            }
        }

        return names;
    }

    /// <summary><c>--name</c> (letters, digits, <c>-</c>, <c>_</c>; at most 40) or a single-letter <c>-x</c>: a name, never a value.</summary>
    [GeneratedRegex("^(?:--[A-Za-z][A-Za-z0-9_-]{0,39}|-[A-Za-z])$", RegexOptions.CultureInvariant)]
    private static partial Regex BareOption();

    /// <summary>The option name at the start of an argument, before any <c>=</c> or <c>:</c> value.</summary>
    [GeneratedRegex("^(?<name>--[A-Za-z][A-Za-z0-9_-]{0,39}|-[A-Za-z])(?=$|[=:])", RegexOptions.CultureInvariant)]
    private static partial Regex OptionName();
}
