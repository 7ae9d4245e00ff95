namespace ClientCredentials.Protocol.Tests.Infrastructure;

/// <summary>
/// An in-memory <see cref="HttpMessageHandler"/> whose <c>answer</c> is asynchronous and gets the request's cancellation
/// token: for endpoints that hang until an attempt is cancelled. <see cref="ScriptedHttpHandler"/> answers at once.
/// </summary>
internal sealed class AnsweringHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(request, cancellationToken);
}
