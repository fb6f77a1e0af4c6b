using OpsFunctions.Operations.Deployments;

namespace OpsFunctions.Operations.Tests.Deployments.Storage;

public abstract partial class DeploymentStoreContractTests
{
    protected static DeploymentFreeze Freeze(string name, params string[] services) => new()
    {
        Name = name,
        Services = services,
        Reason = $"{name}: no rollouts",
        CreatedBy = "alice",
        From = T0,
        Until = T0.AddDays(2),
    };

    [Fact]
    public async Task GetFreezesAsync_NoneSaved_ReturnsEmpty()
    {
        var store = await CreateSutAsync();

        Assert.Empty(await store.GetFreezesAsync(Ct));
    }

    [Fact]
    public async Task SaveFreezeAsync_Several_ListsThemByName()
    {
        var store = await CreateSutAsync();
        var holidays = Freeze("holidays");
        var incident = Freeze("Incident-42", "payments", "checkout") with { Until = null, From = T0.AddHours(3).ToOffset(TimeSpan.FromHours(2)) };
        var audit = Freeze("audit/q1 #1", "search");

        await store.SaveFreezeAsync(holidays, Ct);
        await store.SaveFreezeAsync(incident, Ct);
        await store.SaveFreezeAsync(audit, Ct);

        var freezes = await store.GetFreezesAsync(Ct);
        Assert.Equal(["audit/q1 #1", "holidays", "Incident-42"], freezes.Select(f => f.Name));
        AssertSameFreeze(incident, freezes[2]);
        AssertSameFreeze(audit, freezes[0]);
    }

    [Fact]
    public async Task SaveFreezeAsync_SameNameInAnotherCase_ReplacesIt()
    {
        var store = await CreateSutAsync();
        await store.SaveFreezeAsync(Freeze("Holidays", "payments"), Ct);
        await store.SaveFreezeAsync(Freeze("other"), Ct);
        var replacement = Freeze("HOLIDAYS") with { Reason = "extended", CreatedBy = "bob", Until = T0.AddDays(5) };

        await store.SaveFreezeAsync(replacement, Ct);

        var freezes = await store.GetFreezesAsync(Ct);
        Assert.Equal(["HOLIDAYS", "other"], freezes.Select(f => f.Name));
        AssertSameFreeze(replacement, freezes[0]);
    }

    [Fact]
    public async Task DeleteFreezeAsync_Existing_RemovesItAndReturnsTrueOnce()
    {
        var store = await CreateSutAsync();
        await store.SaveFreezeAsync(Freeze("holidays"), Ct);
        await store.SaveFreezeAsync(Freeze("audit"), Ct);

        Assert.True(await store.DeleteFreezeAsync("Holidays", Ct));
        Assert.False(await store.DeleteFreezeAsync("holidays", Ct));

        Assert.Equal(["audit"], (await store.GetFreezesAsync(Ct)).Select(f => f.Name));
    }

    [Fact]
    public async Task DeleteFreezeAsync_Unknown_ReturnsFalse()
    {
        var store = await CreateSutAsync();
        await store.SaveFreezeAsync(Freeze("holidays"), Ct);

        Assert.False(await store.DeleteFreezeAsync("holiday", Ct));

        Assert.Single(await store.GetFreezesAsync(Ct));
    }

    private static void AssertSameFreeze(DeploymentFreeze expected, DeploymentFreeze actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Services, actual.Services);
        Assert.Equal((expected.Reason, expected.CreatedBy, expected.From, expected.Until), (actual.Reason, actual.CreatedBy, actual.From, actual.Until));
        Assert.Equal(expected.From.Offset, actual.From.Offset);
    }
}
