using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Host.Tests.Incidents;

public sealed class InMemoryIncidentStoreTests : IncidentStoreContractTests
{
    protected override Task<IIncidentStore> CreateSutAsync() => Task.FromResult<IIncidentStore>(new InMemoryIncidentStore());
}
