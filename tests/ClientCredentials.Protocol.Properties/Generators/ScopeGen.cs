namespace ClientCredentials.Protocol.Properties.Generators;

/// <summary>Scope lists as callers write them: resource scopes in any letter case, plain tokens, and every kind of mistake.</summary>
public static class ScopeGen
{
    private static readonly string[] ResourceScopes =
    [
        "https://graph.microsoft.com/.default", "https://database.windows.net//.default", "api://orders/.default",
        "00000003-0000-0000-c000-000000000000/.default", "https://vault.azure.net/.default",
    ];

    private static readonly string[] PlainTokens = ["orders.read", "orders.write", "User.Read", "openid", "a", "x!#$%&'()*+,-./:;<=>?@[]^_`{|}~"];

    private static readonly string[] Mistakes =
    [
        "", " ", "\t", "orders.read orders.write", "a\"b", "a\\b", "lecture-données", "a\u0000b", "a\u007fb", "\u00a0",
        "https://graph.microsoft.com/.default\n", "https://graph.microsoft.com", "/.default", ".default",
    ];

    /// <summary>One scope as a caller may pass it; null stands for a null entry in the list.</summary>
    public static Gen<string?> Scope { get; } = Gen.Frequency(
        (5, Nullable(Gen.Elements(ResourceScopes).SelectMany(s => Gen.Elements(s, s.ToUpperInvariant(), char.ToUpperInvariant(s[0]) + s[1..])))),
        (4, Nullable(Gen.Elements(PlainTokens))),
        (3, Nullable(Gen.Elements(Mistakes))),
        (2, Nullable(TextGen.Any)),
        (1, Gen.Constant<string?>(null)));

    /// <summary>0 to 5 scopes, with repeats likely.</summary>
    public static Gen<IReadOnlyList<string?>> Scopes { get; } =
        Gen.Choose(0, 5).SelectMany(n => Scope.ListOf(n)).Select(list => (IReadOnlyList<string?>)list.ToList());

    /// <summary>Resources as callers write them: app id URIs, application ids, and mistakes.</summary>
    public static Gen<string> Resources { get; } = Gen.Frequency(
        (4, Gen.Elements("https://graph.microsoft.com", "https://database.windows.net/", "api://orders", "00000003-0000-0000-c000-000000000000", "https://vault.azure.net")),
        (2, Gen.Elements(Mistakes.Concat(ResourceScopes).ToArray())),
        (3, TextGen.Any));

    private static Gen<string?> Nullable(Gen<string> gen) => gen.Select(s => (string?)s);
}
