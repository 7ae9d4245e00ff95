using ClientCredentials.Protocol.Properties.Generators;

namespace ClientCredentials.Protocol.Properties;

/// <summary>
/// Scope checks before sending (ClientCredentialsScope; vectors in spec/vectors/scope-validation.json): any input is
/// either returned in canonical form (valid RFC 6749 §3.3 tokens, de-duplicated in order; for Entra and ADFS exactly
/// one <c>{resource}/.default</c>) or refused with a <see cref="ClientCredentialsConfigurationException"/>, never
/// another exception.
/// </summary>
public sealed class ScopeProperties
{
    private static Arbitrary<(IReadOnlyList<string?> Scopes, AuthorityKind Kind)> Requests { get; } =
        Gen.Zip(ScopeGen.Scopes, Gen.Elements(AuthorityKind.Entra, AuthorityKind.Adfs, AuthorityKind.Generic)).ToArbitrary();

    /// <summary>RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).</summary>
    private static bool IsScopeToken(string? scope) => !string.IsNullOrEmpty(scope) && scope.All(c => c is >= '!' and <= '~' and not '"' and not '\\');

    private static StringComparer ComparerFor(AuthorityKind kind) => kind == AuthorityKind.Generic ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    private static IReadOnlyList<string>? TryValidate(IReadOnlyList<string?> scopes, AuthorityKind kind)
    {
        try
        {
            return ClientCredentialsScope.Validate(scopes!, kind);
        }
        catch (ClientCredentialsConfigurationException ex)
        {
            Assert.Equal("Scopes", ex.Setting);
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            return null;
        }
    }

    [Property(MaxTest = 3000)]
    public Property Scopes_are_returned_in_canonical_form_or_refused_naming_Scopes() =>
        Prop.ForAll(Requests, request =>
        {
            var (scopes, kind) = request;
            var canonical = new List<string>();
            foreach (var scope in scopes.Where(IsScopeToken))
            {
                if (!canonical.Contains(scope!, ComparerFor(kind)))
                {
                    canonical.Add(scope!);
                }
            }

            var acceptable = scopes.All(IsScopeToken) &&
                (kind == AuthorityKind.Generic || (canonical.Count == 1 && canonical[0].EndsWith("/.default", StringComparison.OrdinalIgnoreCase)));
            var result = TryValidate(scopes, kind);
            return acceptable ? result is not null && result.SequenceEqual(canonical, StringComparer.Ordinal) : result is null;
        });

    [Property(MaxTest = 2000)]
    public Property Validation_is_idempotent() =>
        Prop.ForAll(Requests, request =>
        {
            var once = TryValidate(request.Scopes, request.Kind);
            return once is null || TryValidate([.. once], request.Kind) is { } twice && twice.SequenceEqual(once, StringComparer.Ordinal);
        });

    [Property(MaxTest = 2000)]
    public Property FromResource_gives_a_scope_that_validates_for_Entra_or_refuses_naming_Resource() =>
        Prop.ForAll(ScopeGen.Resources.ToArbitrary(), resource =>
        {
            string scope;
            try
            {
                scope = ClientCredentialsScope.FromResource(resource);
            }
            catch (ClientCredentialsConfigurationException ex)
            {
                return ex.Setting == "Resource";
            }

            return scope == resource + ClientCredentialsScope.DefaultSuffix && TryValidate([scope], AuthorityKind.Entra) is [var sent] && sent == scope;
        });
}
