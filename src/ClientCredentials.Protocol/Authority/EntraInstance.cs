namespace ClientCredentials.Protocol;

/// <summary>Host names of the Microsoft Entra ID clouds (AAD "instances").</summary>
public static class EntraInstance
{
    /// <summary>The public cloud: <c>login.microsoftonline.com</c>.</summary>
    public const string Public = "login.microsoftonline.com";

    /// <summary>Azure US Government: <c>login.microsoftonline.us</c>.</summary>
    public const string UsGovernment = "login.microsoftonline.us";

    /// <summary>Azure operated by 21Vianet (China): <c>login.chinacloudapi.cn</c>.</summary>
    public const string China = "login.chinacloudapi.cn";
}
