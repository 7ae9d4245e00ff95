namespace ClientCredentials.Emulator;

/// <summary>The emulator options are unusable; the message names the entry and what to fix.</summary>
public sealed class EmulatorConfigurationException : Exception
{
    /// <summary>Creates the exception with a message saying what to fix.</summary>
    public EmulatorConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public EmulatorConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
