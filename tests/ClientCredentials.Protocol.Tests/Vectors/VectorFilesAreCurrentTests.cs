namespace ClientCredentials.Protocol.Tests.Vectors;

/// <summary>
/// The committed vector files are exactly what the library produces for their inputs today, and no group is missing.
/// With <c>CLIENTCREDENTIALS_REGENERATE_VECTORS=1</c> the test rewrites <c>spec/vectors</c> instead (and creates the
/// TEST ONLY keys when absent); commit the result after reviewing the diff.
/// </summary>
public class VectorFilesAreCurrentTests
{
    [Fact]
    public void Every_vector_file_matches_what_the_library_produces_now()
    {
        if (Environment.GetEnvironmentVariable(VectorGenerator.RegenerateVariable) == "1")
        {
            var source = VectorFiles.SourceDirectory;
            VectorGenerator.CreateKeysIfMissing(source);
            CopyKeysToOutput(source);
            foreach (var (file, text) in VectorGenerator.Generate(source))
            {
                File.WriteAllText(Path.Combine(source, file), text);
                File.WriteAllText(VectorFiles.FullPath(file), text);
            }
        }

        var generated = VectorGenerator.Generate(VectorFiles.OutputDirectory);
        Assert.Equal(VectorFiles.Groups, generated.Keys);
        foreach (var (file, text) in generated)
        {
            var path = VectorFiles.FullPath(file);
            Assert.True(File.Exists(path), $"spec/vectors/{file} is missing; run the tests with {VectorGenerator.RegenerateVariable}=1.");
            Assert.True(text == File.ReadAllText(path), $"spec/vectors/{file} differs from what the library produces now; review the change and regenerate with {VectorGenerator.RegenerateVariable}=1.");
        }
    }

    private static void CopyKeysToOutput(string source)
    {
        Directory.CreateDirectory(Path.Combine(VectorFiles.OutputDirectory, "keys"));
        foreach (var key in Directory.GetFiles(Path.Combine(source, "keys")))
        {
            File.Copy(key, Path.Combine(VectorFiles.OutputDirectory, "keys", Path.GetFileName(key)), overwrite: true);
        }
    }
}
