using OpsFunctions.Operations.Incidents;
using OpsFunctions.Testing.Incidents;

namespace OpsFunctions.Operations.Tests.Incidents.Storage;

public sealed class InMemoryIncidentStoreTests : IncidentStoreContractTests
{
    protected override Task<IIncidentStore> CreateSutAsync() => Task.FromResult<IIncidentStore>(new InMemoryIncidentStore());
}
