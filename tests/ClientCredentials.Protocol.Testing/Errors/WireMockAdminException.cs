using System.Net;

namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// A WireMock admin API call (<c>/__admin/...</c>) answered with a non-success status, typically because a
/// mapping or request pattern is not valid WireMock JSON. The message quotes WireMock's answer.
/// </summary>
public sealed class WireMockAdminException : WireMockHarnessException
{
    /// <summary>Creates the exception for an admin call that answered <paramref name="statusCode"/>.</summary>
    public WireMockAdminException(string message, HttpStatusCode statusCode, string responseBody)
        : base(message)
    {
        StatusCode = statusCode;
        ResponseBody = responseBody;
    }

    /// <summary>The HTTP status WireMock answered.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>WireMock's response body, usually a JSON list of errors.</summary>
    public string ResponseBody { get; }
}
