using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.Tenants;

/// <summary>
/// The allow-list the Azure adapter and the HTTP handler share: entries checked when the list is built, the client's
/// own tenant always served, another only when listed or with <c>*</c>, and every refusal naming the setting.
/// </summary>
public sealed class TenantAllowListTests
{
    private static readonly TokenAuthority Own = TokenAuthority.Entra(TestIds.TenantId);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Nothing_asked_for_is_the_clients_own_tenant(string? requested) =>
        Assert.Null(TenantAllowList.None.Resolve(requested, Own));

    [Fact]
    public void The_own_tenant_in_another_case_is_the_clients_own_without_any_entry() =>
        Assert.Null(TenantAllowList.None.Resolve(" " + TestIds.TenantId.ToUpperInvariant() + " ", Own));

    [Fact]
    public void A_listed_tenant_is_returned_trimmed_and_matched_ignoring_case()
    {
        var list = new TenantAllowList(["Contoso.onmicrosoft.com", " ", null, TestIds.OtherTenantId]);

        Assert.Equal("contoso.ONMICROSOFT.com", list.Resolve(" contoso.ONMICROSOFT.com ", Own));
        Assert.Equal(TestIds.OtherTenantId, list.Resolve(TestIds.OtherTenantId, Own));
        Assert.Equal(["Contoso.onmicrosoft.com", TestIds.OtherTenantId], list.Tenants);
        Assert.False(list.AllowsAny);
    }

    [Fact]
    public void An_unlisted_tenant_is_refused_naming_the_setting_and_saying_how_to_allow_it()
    {
        var list = new TenantAllowList([TestIds.OtherTenantId], "ClientCredentials:graph:AdditionallyAllowedTenants");

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => list.Resolve(TestIds.UnknownTenantId, Own));

        Assert.Equal("ClientCredentials:graph:AdditionallyAllowedTenants", error.Setting);
        Assert.Contains(TestIds.UnknownTenantId, error.Message, StringComparison.Ordinal);
        Assert.Contains(TestIds.TenantId, error.Message, StringComparison.Ordinal);
        Assert.Contains("\"*\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_star_allows_any_tenant()
    {
        var list = new TenantAllowList(["*"]);

        Assert.True(list.AllowsAny);
        Assert.Equal(TestIds.UnknownTenantId, list.Resolve(TestIds.UnknownTenantId, Own));
    }

    [Theory]
    [InlineData("common")]
    [InlineData("Organizations")]
    [InlineData("https://login.microsoftonline.com/contoso")]
    [InlineData("contoso/../x")]
    [InlineData("..")]
    [InlineData("contosö.com")]
    public void A_malformed_entry_fails_when_the_list_is_built_naming_the_setting(string entry)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new TenantAllowList([TestIds.OtherTenantId, entry]));
        Assert.Equal(TenantAllowList.SettingName, error.Setting);
    }

    [Fact]
    public void A_client_without_tenants_refuses_any_other_tenant_even_with_a_star()
    {
        var generic = TokenAuthority.TokenEndpoint(new Uri("https://auth.example.com/oauth/token"));

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new TenantAllowList(["*"]).Resolve(TestIds.OtherTenantId, generic));

        Assert.Equal(TenantAllowList.SettingName, error.Setting);
        Assert.Contains("only Microsoft Entra ID clients serve other tenants", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_list_allows_only_the_own_tenant()
    {
        var list = new TenantAllowList(null);

        Assert.Empty(list.Tenants);
        Assert.False(list.AllowsAny);
        Assert.Equal(TenantAllowList.SettingName, list.Setting);
    }

    [Fact]
    public void A_list_without_a_setting_name_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new TenantAllowList([], " "));
        Assert.Throws<ArgumentNullException>(() => new TenantAllowList([], null!));
    }

    [Fact]
    public void Resolving_without_an_authority_is_refused() =>
        Assert.Equal("authority", Assert.Throws<ArgumentNullException>(() => TenantAllowList.None.Resolve(TestIds.OtherTenantId, null!)).ParamName);

    [Fact]
    public void Its_text_lists_the_entries()
    {
        Assert.Equal("(own tenant only)", TenantAllowList.None.ToString());
        Assert.Equal($"{TestIds.OtherTenantId}, *", new TenantAllowList([TestIds.OtherTenantId, "*"]).ToString());
    }
}
