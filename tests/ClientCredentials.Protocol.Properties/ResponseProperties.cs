using System.Globalization;
using System.Net;
using System.Text;
using ClientCredentials.Protocol.Properties.Generators;

namespace ClientCredentials.Protocol.Properties;

/// <summary>
/// The token response reader (RFC 6749 §5.1/§5.2 and AAD's additions): any body bytes, any status and any headers give
/// an <see cref="AccessToken"/> or a <see cref="TokenEndpointException"/>, never another exception; well-formed answers
/// give exactly what they say; and no exception shows an access token it refused.
/// </summary>
public sealed class ResponseProperties
{
    private static readonly DateTimeOffset RequestedAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan TenYears = TimeSpan.FromDays(3650);

    private static AccessToken Read(GeneratedResponse response)
    {
        using var message = new HttpResponseMessage(response.Status);
        foreach (var (name, value) in response.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        var context = new TokenResponseContext(["https://graph.microsoft.com/.default"], "corr-1", RequestedAt, response.Kind, response.DefaultLifetime);
        return TokenResponseReader.Read(response.Status, message.Headers, response.Body, context);
    }

    [Property(MaxTest = 5000, EndSize = 25)]
    public Property Any_response_gives_a_token_within_bounds_or_a_TokenEndpointException() =>
        Prop.ForAll(ResponseGen.Response.ToArbitrary(), response =>
        {
            try
            {
                var token = Read(response);
                return token.Token.Length > 0 && (int)response.Status is >= 200 and < 300 &&
                    token.ExpiresOn >= RequestedAt && token.ExpiresOn <= RequestedAt + TenYears &&
                    (token.RefreshOn is null || token.RefreshOn < token.ExpiresOn);
            }
            catch (TokenEndpointException ex)
            {
                return ex.StatusCode == response.Status && ex.Error.Length > 0 && ex.Message.Length > 0 && (ex.RetryAfter is null || ex.RetryAfter >= TimeSpan.Zero);
            }
        });

    // Each name once: a body that names a member twice is refused (RFC 8259 leaves its meaning open).
    private static Gen<string> OtherMembers { get; } =
        Gen.Zip(TextGen.WellFormed.Where(n => !ResponseGen.KnownMembers.Contains(n)), ResponseGen.JsonValue(1, utf8Only: true))
            .ListOf()
            .Select(members => string.Concat(members.DistinctBy(m => m.Item1, StringComparer.Ordinal).Select(m => "," + ResponseGen.Quote(m.Item1) + ":" + m.Item2)));

    [Property(MaxTest = 1000, EndSize = 40)]
    public Property A_well_formed_success_gives_its_token_and_lifetime() =>
        Prop.ForAll(
            // A token is visible ASCII (it becomes a header value) and lives at least a second (0 s is expired on arrival).
            (from token in TextGen.VisibleAscii
             from seconds in Gen.Choose(1, 315_360_000)
             from asString in Gen.Elements(false, true)
             from status in Gen.Elements(HttpStatusCode.OK, HttpStatusCode.Created)
             from others in OtherMembers
             select (token, seconds, asString, status, others)).ToArbitrary(),
            s =>
            {
                var expiresIn = s.asString ? $"\"{s.seconds}\"" : s.seconds.ToString(CultureInfo.InvariantCulture);
                var body = $$"""{"token_type":"Bearer","expires_in":{{expiresIn}},"access_token":{{ResponseGen.Quote(s.token)}}{{s.others}}}""";
                var token = Read(new GeneratedResponse(s.status, [], ResponseGen.Utf8(body), AuthorityKind.Entra, null));
                return token.Token == s.token && token.ExpiresOn == RequestedAt.AddSeconds(s.seconds) && token.TokenType == "Bearer";
            });

    [Property(MaxTest = 1000, EndSize = 40)]
    public Property A_well_formed_error_gives_its_code_status_and_error_codes() =>
        Prop.ForAll(
            (from error in TextGen.WellFormed.Where(e => e.Length > 0)
             from description in TextGen.WellFormed
             from codes in Gen.Choose(0, 99_999_999).ArrayOf()
             from status in ResponseGen.Status
             from others in OtherMembers
             select (error, description, codes, status, others)).ToArbitrary(),
            s =>
            {
                var body = $$"""{"error":{{ResponseGen.Quote(s.error)}},"error_description":{{ResponseGen.Quote(s.description)}},"error_codes":[{{string.Join(",", s.codes)}}]{{s.others}}}""";
                var ex = Assert.Throws<TokenEndpointException>(() => Read(new GeneratedResponse(s.status, [], ResponseGen.Utf8(body), AuthorityKind.Entra, null)));
                return ex.Error == s.error && ex.StatusCode == s.status && ex.ErrorCodes.SequenceEqual(s.codes) && ex.ErrorDescription == s.description;
            });

    [Property(MaxTest = 2000, EndSize = 25)]
    public Property No_exception_shows_the_access_token_of_the_body_it_refused() =>
        Prop.ForAll(
            (from response in ResponseGen.Response
             from others in OtherMembers
             from cut in Gen.Choose(0, 400)
             select (response, others, cut)).ToArbitrary(),
            s =>
            {
                const string secret = "eyJ0eXAiOiJKV1QiSECRET.TOKEN.VALUE";
                var json = $$"""{"token_type":"Bearer","access_token":"{{secret}}"{{s.others}}}""";

                // Whole, or truncated after the token (a gateway that cut the upstream answer short).
                var cutAt = Math.Min(json.Length, json.IndexOf(secret, StringComparison.Ordinal) + secret.Length + s.cut);
                var body = Encoding.UTF8.GetBytes(json[..cutAt]);
                try
                {
                    Read(s.response with { Body = body });
                    return true;
                }
                catch (TokenEndpointException ex)
                {
                    return !ex.ToString().Contains("SECRET", StringComparison.Ordinal) && !ex.Details.ToString().Contains("SECRET", StringComparison.Ordinal);
                }
            });
}
