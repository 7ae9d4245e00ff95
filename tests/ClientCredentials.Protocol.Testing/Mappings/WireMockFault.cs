namespace ClientCredentials.Protocol.Testing;

/// <summary>The network faults WireMock can answer with instead of a response (mapping <c>"fault"</c>).</summary>
public enum WireMockFault
{
    /// <summary><c>CONNECTION_RESET_BY_PEER</c>: closes the connection with a TCP RST; the client sees a reset.</summary>
    ConnectionResetByPeer,

    /// <summary><c>EMPTY_RESPONSE</c>: closes the connection without sending a byte.</summary>
    EmptyResponse,

    /// <summary><c>MALFORMED_RESPONSE_CHUNK</c>: sends a 200 status and headers, then a broken chunk, then closes.</summary>
    MalformedResponseChunk,

    /// <summary><c>RANDOM_DATA_THEN_CLOSE</c>: sends garbage instead of a status line, then closes.</summary>
    RandomDataThenClose,
}
