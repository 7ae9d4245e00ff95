using System.Net;
using ClientCredentials.Emulator.Tests.Infrastructure;

namespace ClientCredentials.Emulator.Tests;

/// <summary>Managed identities and trust in them in the emulator's configuration, and the regional host alias.</summary>
public sealed class KeylessConfigurationTests
{
    private static EmulatorOptions With(params EmulatorManagedIdentity[] identities) => TestDirectory.Options() with { ManagedIdentities = identities };

    [Theory]
    [InlineData("not-a-guid", false, null, "objectId")]
    [InlineData("cccccccc-0000-0000-0000-000000000009", true, "/subscriptions/dddddddd-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id", "system-assigned and has a resourceId")]
    [InlineData("cccccccc-0000-0000-0000-000000000009", false, "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", "resourceId")]
    public void A_malformed_managed_identity_is_refused(string objectId, bool systemAssigned, string? resourceId, string expected)
    {
        var error = Assert.Throws<EmulatorConfigurationException>(() => With(new EmulatorManagedIdentity { ObjectId = objectId, SystemAssigned = systemAssigned, ResourceId = resourceId, TenantId = TestDirectory.TenantId }).Validate());
        Assert.Contains(expected, error.Message);
        Assert.Contains("managedIdentities[0]", error.Message);
    }

    [Fact]
    public void Two_system_assigned_identities_are_refused()
    {
        var error = Assert.Throws<EmulatorConfigurationException>(() => With(
            new EmulatorManagedIdentity { ObjectId = "cccccccc-0000-0000-0000-000000000001", SystemAssigned = true, TenantId = TestDirectory.TenantId },
            new EmulatorManagedIdentity { ObjectId = "cccccccc-0000-0000-0000-000000000002", SystemAssigned = true, TenantId = TestDirectory.TenantId }).Validate());
        Assert.Contains("second system-assigned", error.Message);
    }

    [Fact]
    public void Trust_in_an_unknown_managed_identity_is_refused()
    {
        var options = TestDirectory.Options() with { ManagedIdentities = [] };
        var error = Assert.Throws<EmulatorConfigurationException>(() => options.Validate());
        Assert.Contains("managedIdentity", error.Message);
    }

    [Fact]
    public void Trust_in_a_managed_identity_with_an_issuer_as_well_is_refused()
    {
        var options = TestDirectory.Options();
        var apps = options.Applications.Select(a => a.ClientId != TestDirectory.KeylessClientId ? a : a with
        {
            FederatedCredentials = [new EmulatorFederatedCredential { ManagedIdentity = TestDirectory.UserIdentityObjectId, Issuer = "https://elsewhere" }],
        }).ToList();
        var error = Assert.Throws<EmulatorConfigurationException>(() => (options with { Applications = apps }).Validate());
        Assert.Contains("also issuer", error.Message);
    }

    [Fact]
    public void Managed_identities_and_trust_load_from_JSON()
    {
        var options = EmulatorOptions.Parse("""
        {
          "tenants": [ { "id": "11111111-1111-1111-1111-111111111111" } ],
          "resources": [ { "appIdUri": "api://sample-api" } ],
          "managedIdentities": [ { "objectId": "cccccccc-0000-0000-0000-000000000001", "systemAssigned": true } ],
          "applications": [ { "clientId": "aaaaaaaa-0000-0000-0000-000000000001", "federatedCredentials": [ { "managedIdentity": "cccccccc-0000-0000-0000-000000000001" } ] } ],
          "appServiceIdentityHeader": "from-json"
        }
        """);
        Assert.True(options.ManagedIdentities.Single().SystemAssigned);
        Assert.Equal("from-json", options.AppServiceIdentityHeader);
    }

    [Fact]
    public async Task The_regional_alias_serves_the_same_endpoints_with_faults_of_its_own()
    {
        await using var emulator = await EmulatorHarness.StartAsync(settings: new EmulatorServerSettings { RegionalAlias = IPAddress.Parse("127.0.0.2") });
        var regional = emulator.Server.RegionalBaseAddress!;
        Assert.Equal("127.0.0.2", regional.Host);
        Assert.NotEqual(emulator.Server.BaseAddress.Port, regional.Port);

        using var http = new HttpClient { BaseAddress = regional };
        using (var ok = await http.PostAsync($"{TestDirectory.TenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(EmulatorHarness.SecretForm())))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        emulator.Server.SetRegionalFaults(new EmulatorFaults { ForcedStatusCodes = [503] });
        using (var failed = await http.PostAsync($"{TestDirectory.TenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(EmulatorHarness.SecretForm())))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await emulator.PostV2Async(EmulatorHarness.SecretForm())).Status);
    }

    [Fact]
    public async Task A_regional_alias_that_is_not_another_loopback_address_is_refused()
    {
        await Assert.ThrowsAsync<EmulatorConfigurationException>(() => EmulatorHarness.StartAsync(settings: new EmulatorServerSettings { RegionalAlias = IPAddress.Loopback }));
        await Assert.ThrowsAsync<EmulatorConfigurationException>(() => EmulatorHarness.StartAsync(settings: new EmulatorServerSettings { RegionalAlias = IPAddress.Parse("10.0.0.1") }));
    }
}
