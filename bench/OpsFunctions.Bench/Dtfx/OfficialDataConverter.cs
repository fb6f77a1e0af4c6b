using CoreDataConverter = DurableTask.Core.Serializing.DataConverter;

namespace OpsFunctions.Bench.Dtfx;

/// <summary>
/// The official API's data converter as the framework client's serializer. The official shim reads an orchestration's
/// input with the official converter (System.Text.Json); <c>TaskHubClient</c> would write it with its own (Newtonsoft.Json,
/// which adds type names to objects). Writing with the converter that reads is what the official client does over the
/// same shim, so an input arrives exactly as the orchestrator declares it.
/// </summary>
internal sealed class OfficialDataConverter(Microsoft.DurableTask.DataConverter inner) : CoreDataConverter
{
    public override string Serialize(object value) => inner.Serialize(value) ?? "null";

    public override string Serialize(object value, bool formatted) => Serialize(value);

    public override object Deserialize(string data, Type objectType) => inner.Deserialize(data, objectType)!;
}
