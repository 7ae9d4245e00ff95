using System.Security.Cryptography;
using ClientCredentials.Protocol.Caching.Keys;
using Microsoft.AspNetCore.DataProtection;

namespace ClientCredentials.Protocol.Caching.Format;

/// <summary>
/// Turns a token into the bytes stored for its key and back: <see cref="StoredTokenFormat"/> protected with an
/// <see cref="IDataProtector"/> (ASP.NET Core Data Protection: authenticated encryption, so a changed byte or another
/// key ring fails to decrypt). The plaintext is cleared as soon as it is protected or read.
/// </summary>
internal sealed class ProtectedTokenCodec(IDataProtector protector)
{
    public byte[] Encode(StoreKey key, AccessToken token, DateTimeOffset freshUntil)
    {
        var plaintext = StoredTokenFormat.Write(key.Hash, token, freshUntil);
        try
        {
            return protector.Protect(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public StoredTokenReadOutcome TryDecode(byte[] value, StoreKey key, out StoredToken stored)
    {
        byte[] plaintext;
        try
        {
            plaintext = protector.Unprotect(value);
        }
        catch (CryptographicException)
        {
            stored = default;
            return StoredTokenReadOutcome.NotDecryptable;
        }

        try
        {
            return StoredTokenFormat.TryRead(plaintext, key.Hash, out stored);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
