namespace ClientCredentials.Cli.Output;

/// <summary>How <c>token</c> prints its result.</summary>
internal enum TokenOutputFormat
{
    /// <summary>The bare access token, for <c>$(cc-token token ...)</c>.</summary>
    Token,

    /// <summary>One JSON object (token and metadata, or the error).</summary>
    Json,

    /// <summary><c>Authorization: Bearer ...</c>, for <c>curl -H @-</c>.</summary>
    Header,
}
