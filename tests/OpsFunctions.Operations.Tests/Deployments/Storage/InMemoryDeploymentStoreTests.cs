using OpsFunctions.Operations.Deployments;
using OpsFunctions.Testing.Deployments;

namespace OpsFunctions.Operations.Tests.Deployments.Storage;

public sealed class InMemoryDeploymentStoreTests : DeploymentStoreContractTests
{
    protected override Task<IDeploymentStore> CreateSutAsync() => Task.FromResult<IDeploymentStore>(new InMemoryDeploymentStore());
}
