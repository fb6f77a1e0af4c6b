using OpsFunctions.Durable.AzureStorage;
using OpsFunctions.Operations.Incidents.Storage;

namespace OpsFunctions.Operations.Tests.Incidents.Storage;

/// <summary>Incident tables already hold keys the engine's encoder wrote: the feature's own encoder must write the same.</summary>
public sealed class TableKeysTests
{
    [Theory]
    [InlineData("inc-am-0123456789abcdef")]
    [InlineData("inc/with/slashes")]
    [InlineData("back\\slash#hash?query%percent")]
    [InlineData("tab\tnewline\ndel\u007fc1\u0085")]
    [InlineData("ünïcödé stays")]
    public void Encode_AnyId_IsWhatTheEngineWrites(string id)
    {
        Assert.Equal(KeyEncoder.Encode(id), TableKeys.Encode(id));
        Assert.DoesNotContain(TableKeys.Encode(id), c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
    }
}
