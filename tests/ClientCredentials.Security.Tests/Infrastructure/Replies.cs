using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ClientCredentials.Security.Tests.Infrastructure;

/// <summary>Answers a <see cref="LoopbackServer"/> gives: tokens, errors, raw bodies, redirects.</summary>
public static class Replies
{
    /// <summary>A valid token response with <paramref name="token"/>, living an hour.</summary>
    public static Func<HttpContext, Task> Token(string token) => Json(200, new JsonObject { ["access_token"] = token, ["token_type"] = "Bearer", ["expires_in"] = 3600 });

    /// <summary>A valid token response whose token is <c>{prefix}-{n}</c>, n counting from 1: each request gets a new token.</summary>
    public static Func<HttpContext, Task> CountingTokens(string prefix)
    {
        var issued = 0;
        return context => Token($"{prefix}-{Interlocked.Increment(ref issued)}")(context);
    }

    public static Func<HttpContext, Task> Json(int status, JsonNode body) => Raw(status, "application/json", body.ToJsonString());

    public static Func<HttpContext, Task> Raw(int status, string contentType, string body) => context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body, context.RequestAborted);
    };

    public static Func<HttpContext, Task> Redirect(int status, Uri location) => context =>
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = location.AbsoluteUri;
        return Task.CompletedTask;
    };

    public static Func<HttpContext, Task> Status(int status, string? wwwAuthenticate = null) => context =>
    {
        context.Response.StatusCode = status;
        if (wwwAuthenticate is not null)
        {
            context.Response.Headers.WWWAuthenticate = wwwAuthenticate;
        }

        return Task.CompletedTask;
    };
}
