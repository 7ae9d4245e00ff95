using ClientCredentials.Protocol;
using ClientCredentials.Protocol.Extensions;
using ClientCredentials.Security.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClientCredentials.Security.Tests;

/// <summary>
/// Attack class: hostile configuration — values from a config file, an environment variable or a request that a
/// caller passes through. Each is refused with a <see cref="ClientCredentialsConfigurationException"/> naming the
/// setting, before anything reaches the token endpoint, and the message carries no control character.
/// </summary>
public sealed class HostileConfigurationTests
{
    public static TheoryData<string> HeaderInjections => new()
    {
        "abc\r\nX-Injected: 1\r\nContent-Length: 0\r\n\r\nGET /smuggled HTTP/1.1",
        "abc\nX-Injected: 1",
        "abc\rX-Injected: 1",
        "abc\u0000def",
        "abc\u001b[2J",
        "abc def",
        "\u00e4bc",
        "abc\u007f",
        new string('a', 257),
    };

    [Theory]
    [MemberData(nameof(HeaderInjections))]
    public async Task A_correlation_id_that_would_not_be_one_header_value_is_refused_before_sending(string correlationId)
    {
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Token("eyJ.token.value"));
        var client = Clients.WithSecret(endpoint.Url("token"));

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => client.GetTokenAsync(new TokenRequestParameters(TestIds.Scope) { CorrelationId = correlationId }));

        Assert.Equal("CorrelationId", error.Setting);
        Assert.DoesNotContain("X-Injected", error.Message, StringComparison.Ordinal);
        TextAssert.Printable(error.Message, "message");
        Assert.Empty(endpoint.Requests);
    }

    [Fact]
    public async Task A_visible_ascii_correlation_id_is_sent_as_the_one_client_request_id()
    {
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Token("eyJ.token.value"));
        var client = Clients.WithSecret(endpoint.Url("token"));

        await client.GetTokenAsync(new TokenRequestParameters(TestIds.Scope) { CorrelationId = "order-4711/retry:2" });

        Assert.Equal("order-4711/retry:2", Assert.Single(endpoint.Requests).Headers["client-request-id"]);
    }

    [Theory]
    [InlineData("aaaaaaaa-0000\r\nX-Injected: 1")]
    [InlineData("aaaaaaaa-0000\n2026-01-01 INFO forged")]
    [InlineData("app\u0000id")]
    [InlineData("app\u001b]0;title\u0007")]
    [InlineData("cl\u00efent-\u65e5\u672c")]
    [InlineData("app\u202eid")]
    public void A_client_id_with_control_or_non_ascii_characters_is_refused(string clientId)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.Entra(TestIds.TenantId),
            ClientId = clientId,
            Credential = new ClientSecretCredential(TestIds.Secret),
        }));

        Assert.Equal("ClientId", error.Setting);
        TextAssert.Printable(error.Message, "message");
    }

    [Fact]
    public void A_client_id_with_a_line_break_in_configuration_fails_start_up_validation_naming_the_key()
    {
        var services = new ServiceCollection();
        services.AddClientCredentials("orders", options =>
        {
            options.TenantId = TestIds.TenantId;
            options.ClientId = "aaaaaaaa\r\nX-Injected: 1";
            options.Credential = new ClientSecretCredential(TestIds.Secret);
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<ClientCredentialsOptions>>().Get("orders"));

        Assert.Contains("ClientCredentials:orders:ClientId", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Injected", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData(".contoso.com")]
    [InlineData("contoso.com.")]
    [InlineData("-")]
    [InlineData("_")]
    [InlineData("a/../b")]
    [InlineData("contoso\r\n.com")]
    public void A_tenant_that_is_not_a_guid_or_domain_is_refused_so_the_secret_never_goes_to_a_path_it_escapes_to(string tenant)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => TokenAuthority.Entra(tenant, "http://127.0.0.1:9/"));

        Assert.Equal("Tenant", error.Setting);
        TextAssert.Printable(error.Message, "message");
    }

    [Theory]
    [InlineData("Client_Secret")]
    [InlineData("grant_type ")]
    [InlineData(" scope")]
    [InlineData("CLIENT_ASSERTION")]
    [InlineData("Client_Assertion_Type")]
    [InlineData("Claims")]
    [InlineData("client_id\t")]
    [InlineData(" resource")]
    public async Task An_extra_parameter_that_could_stand_for_a_library_parameter_is_refused_before_sending(string name)
    {
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Token("eyJ.token.value"));
        var client = Clients.WithSecret(endpoint.Url("token"));
        var parameters = new TokenRequestParameters(TestIds.Scope) { ExtraParameters = [new(name, "attacker-value")] };

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => client.GetTokenAsync(parameters));

        Assert.Equal("ExtraParameters", error.Setting);
        TextAssert.Printable(error.Message, "message");
        Assert.Empty(endpoint.Requests);
    }
}
