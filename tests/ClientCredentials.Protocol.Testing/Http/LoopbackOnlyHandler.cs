using System.Collections.Concurrent;
using System.Net;

namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// Guards the rule that tests talk to loopback only: records the destination of every request and refuses — without
/// sending — any request whose host is not a loopback address (169.254.169.254, the real IMDS, above all).
/// </summary>
public sealed class LoopbackOnlyHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly ConcurrentQueue<Uri> _destinations = new();

    /// <summary>Creates the guard over a fresh <see cref="SocketsHttpHandler"/> that never follows redirects.</summary>
    public LoopbackOnlyHandler()
        : this(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
    }

    /// <summary>Every destination asked for, refused ones included.</summary>
    public IReadOnlyList<Uri> Destinations => _destinations.ToArray();

    /// <summary>Destinations that were not loopback (and so were never contacted).</summary>
    public IReadOnlyList<Uri> Refused => _destinations.Where(uri => !IsLoopback(uri)).ToArray();

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var destination = request.RequestUri ?? throw new InvalidOperationException("A request without a URI.");
        _destinations.Enqueue(destination);
        if (!IsLoopback(destination))
        {
            throw new InvalidOperationException($"Test tried to send to {destination.Host}, which is not a loopback address; tests talk to 127.0.0.1 only.");
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>True for 127.0.0.0/8, ::1 and localhost.</summary>
    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
