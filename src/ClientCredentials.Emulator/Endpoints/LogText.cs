namespace ClientCredentials.Emulator.Endpoints;

/// <summary>
/// Makes a value taken from a request (the tenant path segment, a <c>client_id</c>) safe for a log event: control and
/// invisible format characters become <c>\uXXXX</c> (so a CR/LF cannot forge a log line, an ESC cannot drive a
/// terminal), and the value is cut to 128 characters.
/// </summary>
internal static class LogText
{
    private const int MaxLength = 128;

    public static string? Safe(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var builder = new System.Text.StringBuilder(Math.Min(value.Length, MaxLength + 1));
        foreach (var c in value)
        {
            if (builder.Length >= MaxLength)
            {
                builder.Append('…');
                break;
            }

            if (char.IsControl(c) || char.IsSurrogate(c) || c is (>= '\u200B' and <= '\u200F') or (>= '\u2028' and <= '\u202E') or (>= '\u2060' and <= '\u206F') or '\uFEFF')
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
