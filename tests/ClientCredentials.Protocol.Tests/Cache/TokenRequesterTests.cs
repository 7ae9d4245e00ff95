namespace ClientCredentials.Protocol.Tests.Cache;

/// <summary>Who asks for a token, as a cache key sees it: every part is required, and every part separates requesters.</summary>
public class TokenRequesterTests
{
    private static TokenRequester Requester(string authorityKind = "entra", string credentialIdentity = "x5t#S256:abc", string? partition = null) =>
        new(authorityKind, "https://login.microsoftonline.com", "client-a", credentialIdentity, partition, scopesAreCaseInsensitive: true);

    [Theory]
    [InlineData("", "x5t#S256:abc", "authorityKind")]
    [InlineData(" ", "x5t#S256:abc", "authorityKind")]
    [InlineData("entra", "", "credentialIdentity")]
    [InlineData("entra", " ", "credentialIdentity")]
    public void A_blank_authority_kind_or_credential_identity_is_rejected(string authorityKind, string credentialIdentity, string parameter)
    {
        var error = Assert.Throws<ArgumentException>(() => Requester(authorityKind, credentialIdentity));

        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void A_requester_equals_neither_null_nor_an_object_of_another_type()
    {
        var requester = Requester();

        Assert.False(requester.Equals(null));
        Assert.False(requester.Equals((object?)null));
        Assert.False(requester.Equals((object)"https://login.microsoftonline.com client client-a"));
        Assert.True(requester.Equals((object)Requester()));
    }

    [Fact]
    public void The_partition_separates_requesters_and_changes_the_hash_code()
    {
        var none = Requester();
        var pool = Requester(partition: "tenant-pool");
        var other = Requester(partition: "other-pool");

        Assert.NotEqual(none, pool);
        Assert.NotEqual(pool, other);
        Assert.Equal(pool, Requester(partition: " tenant-pool "));
        Assert.Equal(3, new[] { none, pool, other }.Select(r => r.GetHashCode()).Distinct().Count());
    }

    [Fact]
    public void ToString_names_the_authority_and_client_but_not_the_credential()
    {
        var text = Requester().ToString();

        Assert.Equal("https://login.microsoftonline.com client client-a", text);
    }
}
