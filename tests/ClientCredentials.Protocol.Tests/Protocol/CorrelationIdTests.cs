using System.Text.RegularExpressions;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>A <c>client-request-id</c> the library makes is a version 4 GUID (RFC 9562 §5.4) in its 36-character form.</summary>
public partial class CorrelationIdTests
{
    [Fact]
    public void A_new_correlation_id_is_a_random_version_4_guid_in_the_36_character_form()
    {
        // The other 122 bits are random, so a wrong version or variant nibble shows in some of 256 ids.
        var ids = Enumerable.Range(0, 256).Select(_ => CorrelationId.New()).ToList();

        Assert.All(ids, id => Assert.Matches(Version4(), id));
        Assert.All(ids, id => Assert.Equal(4, Guid.Parse(id).Version));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex Version4();
}
