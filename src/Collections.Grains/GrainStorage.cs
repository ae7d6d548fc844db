namespace Collections.Grains;

/// <summary>The grain storage provider for small configuration grains (lenders, API keys, teams).</summary>
public static class GrainStorage
{
    public const string Name = "state";

    /// <summary>
    /// Writes a grain's state. On a storage failure (e.g. Redis down) whether the write landed is unknown,
    /// so the activation is dropped and the next call reads the stored state, rather than keep serving a
    /// change that may never have been stored.
    /// </summary>
    public static async Task WriteOrDeactivateAsync<TState>(this IPersistentState<TState> state, IGrainBase grain)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }
}
