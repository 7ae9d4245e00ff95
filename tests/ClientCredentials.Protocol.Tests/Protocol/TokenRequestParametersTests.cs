namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// <see cref="TokenRequestParameters"/> is a value: equal when every member is (scopes and extra parameters as
/// sequences, in order), with a hash that follows every member; null lists mean none.
/// </summary>
public class TokenRequestParametersTests
{
    private static TokenRequestParameters Sample() => new("a", "b")
    {
        Tenant = "contoso.onmicrosoft.com",
        Claims = """{"access_token":{"xms_cc":{"values":["cp1"]}}}""",
        ExtraParameters = [new("resource", "r"), new("audience", "o")],
        CorrelationId = "corr-1",
        ForceRefresh = true,
    };

    public static TheoryData<string> Members => ["scopes", "scope order", "tenant", "claims", "extra parameter name", "extra parameter value", "correlation id", "force refresh"];

    private static TokenRequestParameters SampleWithChanged(string member) => member switch
    {
        "scopes" => Sample() with { Scopes = ["a", "c"] },
        "scope order" => Sample() with { Scopes = ["b", "a"] },
        "tenant" => Sample() with { Tenant = "fabrikam.onmicrosoft.com" },
        "claims" => Sample() with { Claims = """{"access_token":{}}""" },
        "extra parameter name" => Sample() with { ExtraParameters = [new("resource", "r"), new("audience2", "o")] },
        "extra parameter value" => Sample() with { ExtraParameters = [new("resource", "r"), new("audience", "p")] },
        "correlation id" => Sample() with { CorrelationId = "corr-2" },
        "force refresh" => Sample() with { ForceRefresh = false },
        _ => throw new ArgumentOutOfRangeException(nameof(member)),
    };

    [Fact]
    public void Parameters_with_equal_members_are_equal_and_hash_alike()
    {
        Assert.Equal(Sample(), Sample());
        Assert.Equal(Sample().GetHashCode(), Sample().GetHashCode());
    }

    [Theory]
    [MemberData(nameof(Members))]
    public void Parameters_that_differ_in_one_member_are_not_equal_and_hash_apart(string member)
    {
        var other = SampleWithChanged(member);

        Assert.False(Sample().Equals(other), member);
        Assert.False(other.Equals(Sample()), member);
        Assert.NotEqual(Sample().GetHashCode(), other.GetHashCode());
    }

    [Fact]
    public void Parameters_are_not_equal_to_null()
    {
        Assert.False(Sample().Equals(null));
    }

    [Fact]
    public void Null_scopes_or_extra_parameters_mean_none()
    {
        var parameters = new TokenRequestParameters((IReadOnlyList<string>)null!) { ExtraParameters = null! };

        Assert.Empty(parameters.Scopes);
        Assert.Empty(parameters.ExtraParameters);
    }
}
