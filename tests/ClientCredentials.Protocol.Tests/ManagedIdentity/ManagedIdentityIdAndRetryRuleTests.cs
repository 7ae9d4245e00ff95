using System.Net;
using ClientCredentials.Protocol.Testing;
using Polly.Timeout;

namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>
/// The value rules of <see cref="ManagedIdentityId"/> and <see cref="ManagedIdentityResilienceOptions"/>, and which
/// failures the managed identity pipeline retries (the IMDS rules: 404, 408, 429, 5xx, 410 on its own budget).
/// </summary>
public sealed class ManagedIdentityIdAndRetryRuleTests
{
    private const string ResourceId = ManagedIdentityTestEnvironment.UserAssignedResourceId;

    [Fact]
    public void A_client_or_object_id_is_trimmed_and_written_in_lower_case_D_form()
    {
        var clientId = ManagedIdentityId.FromClientId(" A1B2C3D4-0000-4000-8000-0000000000AB ");
        Assert.Equal(ManagedIdentityIdKind.ClientId, clientId.Kind);
        Assert.Equal("a1b2c3d4-0000-4000-8000-0000000000ab", clientId.Value);
        Assert.True(clientId.IsUserAssigned);

        var objectId = ManagedIdentityId.FromObjectId("A1B2C3D4-0000-4000-8000-0000000000AB");
        Assert.Equal(ManagedIdentityIdKind.ObjectId, objectId.Kind);
        Assert.Equal("a1b2c3d4-0000-4000-8000-0000000000ab", objectId.Value);
    }

    [Theory]
    [InlineData("client")]
    [InlineData("object")]
    public void A_GUID_in_another_form_is_refused_with_what_to_copy(string kind)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => kind == "client" ? ManagedIdentityId.FromClientId("(a1b2c3d4-0000-4000-8000-000000000001)") : ManagedIdentityId.FromObjectId("(a1b2c3d4-0000-4000-8000-000000000001)"));
        var what = kind == "client" ? "client id" : "object (principal) id";
        Assert.Equal($"Managed identity {what} '(a1b2c3d4-0000-4000-8000-000000000001)' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); copy it from the identity's Overview page. For a resource id use ManagedIdentityId.FromResourceId.", error.Message);
    }

    [Fact]
    public void A_null_id_is_refused_like_a_malformed_one()
    {
        Assert.Equal("ManagedIdentityId", Assert.Throws<ClientCredentialsConfigurationException>(() => ManagedIdentityId.FromClientId(null!)).Setting);
        Assert.Equal("ManagedIdentityId", Assert.Throws<ClientCredentialsConfigurationException>(() => ManagedIdentityId.FromResourceId(null!)).Setting);
    }

    [Theory]
    [InlineData("/subscriptions/5B6C7D8E-0000-4000-8000-000000000003/resourcegroups/Rg.1_(x)/providers/microsoft.managedidentity/userassignedidentities/id_app-2")]
    [InlineData(" /subscriptions/5b6c7d8e-0000-4000-8000-000000000003/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/abc ")]
    public void A_resource_id_of_the_documented_form_is_kept_trimmed(string resourceId)
    {
        var id = ManagedIdentityId.FromResourceId(resourceId);
        Assert.Equal(ManagedIdentityIdKind.ResourceId, id.Kind);
        Assert.Equal(resourceId.Trim(), id.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("/subscriptions/5b6c7d8e-0000-4000-8000-000000000003/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ab")]
    [InlineData("/subscriptions/5b6c7d8e-0000-4000-8000-000000000003/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/-abc")]
    [InlineData("x/subscriptions/5b6c7d8e-0000-4000-8000-000000000003/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/abc")]
    [InlineData("/subscriptions/5b6c7d8e-0000-4000-8000-000000000003/resourceGroups//providers/Microsoft.ManagedIdentity/userAssignedIdentities/abc")]
    public void A_resource_id_of_another_form_is_refused_with_the_form(string resourceId)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ManagedIdentityId.FromResourceId(resourceId));
        Assert.Equal($"Managed identity resource id '{resourceId}' is not of the form /subscriptions/{{subscription guid}}/resourceGroups/{{group}}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{{name}}; copy it from the identity's Properties page.", error.Message);
    }

    [Fact]
    public void Ids_are_equal_by_kind_and_value_ignoring_case()
    {
        var lower = ManagedIdentityId.FromResourceId(ResourceId);
        var upper = ManagedIdentityId.FromResourceId(ResourceId.ToUpperInvariant());
        Assert.True(lower.Equals(upper));
        Assert.True(lower.Equals((object)upper));
        Assert.Equal(lower.GetHashCode(), upper.GetHashCode());

        var clientId = ManagedIdentityId.FromClientId(TestIds.ManagedIdentityClientId);
        var objectId = ManagedIdentityId.FromObjectId(TestIds.ManagedIdentityClientId);
        Assert.False(clientId.Equals(objectId));
        Assert.NotEqual(clientId.GetHashCode(), objectId.GetHashCode());
        Assert.False(clientId.Equals(null));
        Assert.False(clientId.Equals("x"));
        Assert.False(clientId.Equals(ManagedIdentityId.FromClientId(TestIds.ManagedIdentityObjectId)));
        Assert.NotEqual(clientId.GetHashCode(), ManagedIdentityId.FromClientId(TestIds.ManagedIdentityObjectId).GetHashCode());
        Assert.True(ManagedIdentityId.SystemAssigned.Equals(ManagedIdentityId.SystemAssigned));
        Assert.False(ManagedIdentityId.SystemAssigned.IsUserAssigned);
        Assert.Null(ManagedIdentityId.SystemAssigned.Value);
        Assert.Equal(HashCode.Combine(ManagedIdentityIdKind.SystemAssigned, 0), ManagedIdentityId.SystemAssigned.GetHashCode());
    }

    [Fact]
    public void An_id_prints_its_kind_and_value()
    {
        Assert.Equal("system-assigned", ManagedIdentityId.SystemAssigned.ToString());
        Assert.Equal($"user-assigned client_id {TestIds.ManagedIdentityClientId}", ManagedIdentityId.FromClientId(TestIds.ManagedIdentityClientId).ToString());
        Assert.Equal($"user-assigned object_id {TestIds.ManagedIdentityObjectId}", ManagedIdentityId.FromObjectId(TestIds.ManagedIdentityObjectId).ToString());
        Assert.Equal($"user-assigned resource id {ResourceId}", ManagedIdentityId.FromResourceId(ResourceId).ToString());
    }

    [Fact]
    public void The_defaults_are_MSALs()
    {
        var options = new ManagedIdentityResilienceOptions();
        Assert.Equal(TimeSpan.FromSeconds(20), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(100), options.TotalTimeout);
        Assert.Equal(3, options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(4), options.MaxRetryDelay);
        Assert.Equal(7, options.MaxGoneRetries);
        Assert.Equal(TimeSpan.FromSeconds(10), options.GoneRetryDelay);
        options.Validate();
    }

    public static TheoryData<ManagedIdentityResilienceOptions> Boundaries() => new()
    {
        new ManagedIdentityResilienceOptions { AttemptTimeout = TimeSpan.FromMilliseconds(10), RetryBaseDelay = TimeSpan.Zero, MaxRetryDelay = TimeSpan.Zero, GoneRetryDelay = TimeSpan.Zero },
        new ManagedIdentityResilienceOptions { TotalTimeout = TimeSpan.FromHours(1) },
        new ManagedIdentityResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(5), TotalTimeout = TimeSpan.FromSeconds(5), RetryBaseDelay = TimeSpan.FromSeconds(4.9), MaxRetryDelay = TimeSpan.FromSeconds(4.9), GoneRetryDelay = TimeSpan.FromSeconds(4.9) },
        new ManagedIdentityResilienceOptions { MaxRetries = 0, MaxGoneRetries = 0 },
        new ManagedIdentityResilienceOptions { MaxRetries = 10, MaxGoneRetries = 20 },
        new ManagedIdentityResilienceOptions { RetryBaseDelay = TimeSpan.FromSeconds(4) },
    };

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Values_at_the_bounds_are_accepted(ManagedIdentityResilienceOptions options)
    {
        options.Validate();
    }

    public static TheoryData<ManagedIdentityResilienceOptions, string, string> OutOfBounds() => new()
    {
        { new() { AttemptTimeout = TimeSpan.FromMilliseconds(9) }, "AttemptTimeout", "must be at least 10 ms; it was 00:00:00.0090000" },
        { new() { AttemptTimeout = TimeSpan.FromSeconds(30), TotalTimeout = TimeSpan.FromSeconds(29) }, "TotalTimeout", "must be at least AttemptTimeout (00:00:30) and at most 1 hour; it was 00:00:29" },
        { new() { TotalTimeout = TimeSpan.FromHours(1).Add(TimeSpan.FromTicks(1)) }, "TotalTimeout", "must be at least AttemptTimeout (00:00:20) and at most 1 hour; it was 01:00:00.0000001" },
        { new() { MaxRetries = -1 }, "MaxRetries", "must be between 0 and 10; it was -1" },
        { new() { MaxRetries = 11 }, "MaxRetries", "must be between 0 and 10; it was 11" },
        { new() { MaxGoneRetries = -1 }, "MaxGoneRetries", "must be between 0 and 20; it was -1" },
        { new() { MaxGoneRetries = 21 }, "MaxGoneRetries", "must be between 0 and 20; it was 21" },
        { new() { RetryBaseDelay = TimeSpan.FromTicks(-1) }, "RetryBaseDelay", "must be between 0 and MaxRetryDelay (00:00:04); it was -00:00:00.0000001" },
        { new() { RetryBaseDelay = TimeSpan.FromSeconds(5) }, "RetryBaseDelay", "must be between 0 and MaxRetryDelay (00:00:04); it was 00:00:05" },
        { new() { MaxRetryDelay = TimeSpan.FromSeconds(100) }, "MaxRetryDelay", "must be at least 0 and shorter than TotalTimeout (00:01:40); it was 00:01:40" },
        { new() { GoneRetryDelay = TimeSpan.FromTicks(-1) }, "GoneRetryDelay", "must be at least 0 and shorter than TotalTimeout (00:01:40); it was -00:00:00.0000001" },
        { new() { GoneRetryDelay = TimeSpan.FromSeconds(100) }, "GoneRetryDelay", "must be at least 0 and shorter than TotalTimeout (00:01:40); it was 00:01:40" },
    };

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public void A_value_out_of_bounds_is_refused_naming_the_option_and_its_rule(ManagedIdentityResilienceOptions options, string name, string rule)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(options.Validate);
        Assert.Equal("ManagedIdentity:Resilience:" + name, error.Setting);
        Assert.Equal($"Managed identity resilience option {name} {rule}.", error.Message);
    }

    private static TokenEndpointException Answer(int status, TimeSpan? retryAfter = null) =>
        new(new TokenEndpointError { StatusCode = (HttpStatusCode)status, Error = "x", RetryAfter = retryAfter });

    [Theory]
    [InlineData(404, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(599, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(499, false)]
    [InlineData(600, false)]
    [InlineData(200, false)]
    public void The_statuses_IMDS_says_to_retry(int status, bool retried)
    {
        Assert.Equal(retried, ManagedIdentityPipeline.IsRetriedStatus((HttpStatusCode)status));
        Assert.Equal(retried, ManagedIdentityPipeline.ShouldRetry(Answer(status), 0, new ManagedIdentityResilienceOptions()));
    }

    [Fact]
    public void Retried_failures_stop_at_their_own_budget()
    {
        var options = new ManagedIdentityResilienceOptions { MaxRetries = 2, MaxGoneRetries = 4 };
        Exception[] retried = [Answer(500), new TimeoutRejectedException(), new TokenEndpointUnreachableException(new Uri("http://127.0.0.1/"), "c", timedOut: false, "down", null)];
        foreach (var failure in retried)
        {
            Assert.True(ManagedIdentityPipeline.ShouldRetry(failure, 1, options));
            Assert.False(ManagedIdentityPipeline.ShouldRetry(failure, 2, options));
        }

        Assert.True(ManagedIdentityPipeline.ShouldRetry(Answer(410), 3, options));
        Assert.False(ManagedIdentityPipeline.ShouldRetry(Answer(410), 4, options));
        Assert.False(ManagedIdentityPipeline.ShouldRetry(new InvalidOperationException(), 0, options));
        Assert.False(ManagedIdentityPipeline.ShouldRetry(null, 0, options));
    }

    [Fact]
    public void A_Retry_After_equal_to_the_longest_backoff_is_waited_for_and_the_exponent_is_capped()
    {
        var options = new ManagedIdentityResilienceOptions { RetryBaseDelay = TimeSpan.FromTicks(1), MaxRetryDelay = TimeSpan.FromSeconds(4) };
        Assert.Equal(TimeSpan.FromSeconds(4), ManagedIdentityPipeline.Delay(Answer(429, TimeSpan.FromSeconds(4)), 0, options));
        Assert.Equal(TimeSpan.Zero, ManagedIdentityPipeline.Delay(Answer(503, TimeSpan.Zero), 0, options));
        Assert.Equal(TimeSpan.FromTicks(1 << 20), ManagedIdentityPipeline.Delay(Answer(500), 20, options));
        Assert.Equal(TimeSpan.FromTicks(1 << 20), ManagedIdentityPipeline.Delay(Answer(500), 40, options));
        Assert.Equal(TimeSpan.FromTicks(8), ManagedIdentityPipeline.Delay(new TimeoutRejectedException(), 3, options));
    }
}
