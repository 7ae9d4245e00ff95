using System.Net;
using ClientCredentials.Protocol.Properties.Generators;

namespace ClientCredentials.Protocol.Properties;

/// <summary>
/// The managed identity response reader: any status, headers and body bytes, from any source, give an
/// <see cref="AccessToken"/> within bounds or a <see cref="TokenEndpointException"/> carrying the status — never another
/// exception — and each documented error shape gives its code, message and correlation id.
/// </summary>
public sealed class ManagedIdentityResponseProperties
{
    private static readonly DateTimeOffset RequestedAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan TenYears = TimeSpan.FromDays(3650);
    private static readonly Gen<ManagedIdentitySource> Sources = Gen.Elements(Enum.GetValues<ManagedIdentitySource>());

    private static AccessToken Read(GeneratedResponse response, ManagedIdentitySource source)
    {
        using var message = new HttpResponseMessage(response.Status);
        foreach (var (name, value) in response.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return ManagedIdentityResponseReader.Read(response.Status, message.Headers, response.Body, new ManagedIdentityResponseContext(source, ["https://management.azure.com/.default"], "corr-1", RequestedAt));
    }

    [Property(MaxTest = 5000, EndSize = 25)]
    public Property Any_answer_gives_a_token_within_bounds_or_a_TokenEndpointException() =>
        Prop.ForAll(ResponseGen.Response.ToArbitrary(), Sources.ToArbitrary(), (response, source) =>
        {
            try
            {
                var token = Read(response, source);
                return token.Token.Length > 0 && (int)response.Status is >= 200 and < 300 &&
                    token.ExpiresOn > RequestedAt && token.ExpiresOn <= RequestedAt + TenYears &&
                    (token.RefreshOn is null || token.RefreshOn < token.ExpiresOn);
            }
            catch (TokenEndpointException ex)
            {
                return ex.StatusCode == response.Status && ex.Error.Length > 0 && ex.Message.StartsWith("The managed identity endpoint (", StringComparison.Ordinal) &&
                    (ex.RetryAfter is null || ex.RetryAfter >= TimeSpan.Zero) && (ex.ResponseSnippet is null || ex.ResponseSnippet.Length <= 512);
            }
        });

    [Property(MaxTest = 1000, EndSize = 30)]
    public Property Each_error_shape_gives_its_code_message_and_correlation_id() =>
        Prop.ForAll(
            (from code in TextGen.NonEmptyWellFormed.Where(c => c.Trim().Length > 0)
             from message in TextGen.NonEmptyWellFormed.Where(m => m.Trim().Length > 0)
             from correlation in Gen.Elements("4ce26535-1769-4001-96e3-9019ce00922d", "7f30f4d3-0f3a-41e0-a417-527f21b3848f")
             from shape in Gen.Choose(0, 2)
             from status in Gen.Elements(HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.NotFound, HttpStatusCode.InternalServerError)
             select (code, message, correlation, shape, status)).ToArbitrary(),
            s =>
            {
                var body = s.shape switch
                {
                    0 => $$"""{"error":{{ResponseGen.Quote(s.code)}},"error_description":{{ResponseGen.Quote(s.message)}},"correlation_id":"{{s.correlation}}"}""",
                    1 => $$"""{"statusCode":{{(int)s.status}},"message":{{ResponseGen.Quote(s.message)}},"correlationId":"{{s.correlation}}"}""",
                    _ => $$$"""{"error":{"correlationId":"{{{s.correlation}}}","code":{{{ResponseGen.Quote(s.code)}}},"message":{{{ResponseGen.Quote(s.message)}}}}}""",
                };
                try
                {
                    Read(new GeneratedResponse(s.status, [], ResponseGen.Utf8(body), AuthorityKind.Generic, null), ManagedIdentitySource.AppService);
                    return false;
                }
                catch (TokenEndpointException ex)
                {
                    return ex.Error == (s.shape == 1 ? "managed_identity_error" : s.code) && ex.ErrorDescription == s.message && ex.CorrelationId == s.correlation;
                }
            });
}
