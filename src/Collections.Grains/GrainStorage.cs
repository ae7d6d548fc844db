namespace Collections.Grains;

/// <summary>The grain storage provider for small configuration grains (lenders, API keys).</summary>
public static class GrainStorage
{
    public const string Name = "state";
}
