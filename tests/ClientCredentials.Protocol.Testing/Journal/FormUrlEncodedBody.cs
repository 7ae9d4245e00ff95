namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// The fields of an <c>application/x-www-form-urlencoded</c> body in the order they were sent, decoded as the
/// HTML/URL standard says (<c>+</c> is a space, <c>%XX</c> a byte of UTF-8).
/// </summary>
public sealed class FormUrlEncodedBody
{
    private FormUrlEncodedBody(IReadOnlyList<KeyValuePair<string, string>> fields) => Fields = fields;

    /// <summary>Every field in wire order; a repeated name appears once per occurrence.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; }

    /// <summary>The field names in wire order (repeats included).</summary>
    public IReadOnlyList<string> Names => [.. Fields.Select(pair => pair.Key)];

    /// <summary>The value of a field that occurs exactly once.</summary>
    /// <exception cref="KeyNotFoundException">The body has no such field.</exception>
    /// <exception cref="InvalidOperationException">The field occurs more than once; use <see cref="GetValues"/>.</exception>
    public string this[string name]
    {
        get
        {
            var values = GetValues(name);
            return values.Count switch
            {
                1 => values[0],
                0 => throw new KeyNotFoundException($"The form has no field '{name}'. Fields sent: {string.Join(", ", Names)}."),
                _ => throw new InvalidOperationException($"The form field '{name}' was sent {values.Count} times; use {nameof(GetValues)}."),
            };
        }
    }

    /// <summary>Parses a form body; an empty body has no fields.</summary>
    public static FormUrlEncodedBody Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var name = separator < 0 ? pair : pair[..separator];
            var value = separator < 0 ? string.Empty : pair[(separator + 1)..];
            fields.Add(new(Decode(name), Decode(value)));
        }

        return new FormUrlEncodedBody(fields);
    }

    /// <summary>True when the field was sent at least once.</summary>
    public bool Contains(string name) => Fields.Any(pair => pair.Key == name);

    /// <summary>All values sent for a field, in wire order (empty when absent). Names are case-sensitive.</summary>
    public IReadOnlyList<string> GetValues(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return [.. Fields.Where(pair => pair.Key == name).Select(pair => pair.Value)];
    }

    private static string Decode(string encoded) => Uri.UnescapeDataString(encoded.Replace('+', ' '));
}
