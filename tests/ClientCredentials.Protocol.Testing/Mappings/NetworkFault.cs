namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// The network faults of the resilience tests, named and shaped as WireMock's (Java) faults. WireMock.Net's own
/// <c>EMPTY_RESPONSE</c> and <c>MALFORMED_RESPONSE_CHUNK</c> send a complete HTTP answer with an empty or garbled body,
/// which a client sees as a bad response rather than a broken connection, so all four come from
/// <see cref="NetworkFaultProxy"/>; a stub asks for one with <see cref="WireMockResponses.NetworkFault"/>.
/// </summary>
public enum NetworkFault
{
    /// <summary>Closes the connection with a TCP RST instead of answering; the client sees a connection reset.</summary>
    ConnectionResetByPeer,

    /// <summary>Closes the connection (FIN) without sending a byte; the client sees the response end before its status line.</summary>
    EmptyResponse,

    /// <summary>Sends <c>200 OK</c> with chunked transfer encoding and one chunk of garbage, then closes before the body ends.</summary>
    MalformedResponseChunk,

    /// <summary>Sends random bytes (no line break) instead of a status line, then closes.</summary>
    RandomDataThenClose,
}
