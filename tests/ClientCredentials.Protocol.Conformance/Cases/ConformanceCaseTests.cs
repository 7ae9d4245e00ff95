using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WireMock.Server;
using WireMock.Settings;

namespace ClientCredentials.Protocol.Conformance;

/// <summary>
/// One theory row per case file of spec/conformance, named for the file; each case runs on its own WireMock.Net server.
/// </summary>
public sealed class ConformanceCaseTests
{
    /// <summary>The library passes the case: outcome, request count, every request matched a mapping, assertions valid.</summary>
    [Theory]
    [MemberData(nameof(ConformanceCaseFiles.Rows), MemberType = typeof(ConformanceCaseFiles))]
    public Task Case(string file) => ConformanceCaseRunner.RunAsync(file);

    /// <summary>
    /// The translated mappings of every case are valid WireMock.Net admin JSON: WireMock.Net's own admin API
    /// (<c>POST /__admin/mappings</c>) accepts them, so a port that drives a WireMock.Net server over HTTP can use them.
    /// </summary>
    [Fact]
    public async Task Every_case_loads_through_the_WireMock_Net_admin_api()
    {
        using var server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = true });
        using var admin = new HttpClient { BaseAddress = new Uri(server.Url! + "/"), Timeout = TimeSpan.FromSeconds(30) };
        var expected = 0;

        foreach (var file in ConformanceCaseFiles.All)
        {
            var conformanceCase = ConformanceCase.Load(file);
            using var content = new StringContent(CaseMappings.ToWireMockNetJson(conformanceCase, new Uri(server.Url!)), System.Text.Encoding.UTF8, "application/json");
            using var response = await admin.PostAsync("__admin/mappings", content);
            Assert.True(response.IsSuccessStatusCode, $"{file}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            expected += conformanceCase.Mappings.Count;
        }

        var loaded = await admin.GetFromJsonAsync<JsonArray>("__admin/mappings");
        Assert.Equal(expected, loaded!.Count);
    }
}
