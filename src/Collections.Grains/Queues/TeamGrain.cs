using Collections.Contracts;
using Collections.Domain.Queues;

namespace Collections.Grains.Queues;

[GenerateSerializer, Alias("collections.TeamState")]
public sealed class TeamState
{
    [Id(0)] public Team? Team { get; set; }
}

/// <summary>A lender's team definition, in the grain storage of the small configuration grains.</summary>
public sealed class TeamGrain(
    [PersistentState("team", GrainStorage.Name)] IPersistentState<TeamState> state) : Grain, ITeamGrain
{
    public Task<Team?> GetAsync() => Task.FromResult(state.State.Team);

    public async Task PutAsync(Team team)
    {
        state.State.Team = team;
        await state.WriteOrDeactivateAsync(this);
    }
}
