using CoreDataConverter = DurableTask.Core.Serializing.DataConverter;

namespace OpsFunctions.Testing.Dtfx;

/// <summary>
/// The official API's data converter as the framework client's serializer. The official shim reads an orchestration's
/// input and events with the official converter given in <c>DurableTaskWorkerOptions</c>; <c>TaskHubClient</c> would
/// write them with its own (Newtonsoft.Json, which adds type names to objects and keeps property names as declared).
/// Writing with the converter that reads is what the official client does over the same shim, so an input arrives
/// exactly as the orchestrator declares it. A null payload stays null, as the official client sends it.
/// </summary>
internal sealed class OfficialDataConverter(DataConverter inner) : CoreDataConverter
{
    public override string Serialize(object value) => inner.Serialize(value)!;

    public override string Serialize(object value, bool formatted) => Serialize(value);

    public override object Deserialize(string data, Type objectType) => inner.Deserialize(data, objectType)!;
}
