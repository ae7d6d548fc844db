using System.Collections.Immutable;
using Collections.Domain.Accounts;
using Orleans;

namespace Collections.Domain.Queues;

/// <summary>
/// A lender's team of collectors: the stages (and, when any are named, the segments) of the accounts it
/// works, and how long a collector keeps an account it was handed (<see cref="LeaseMinutes"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.Team")]
public sealed record Team(
    [property: Id(0)] string Name,
    [property: Id(1)] ImmutableArray<Stage> Stages,
    [property: Id(2)] ImmutableArray<string> Segments,
    [property: Id(3)] int LeaseMinutes)
{
    public const int DefaultLeaseMinutes = 15;
    public const int MaxLeaseMinutes = 480;
    public const int MaxNameLength = 100;

    /// <summary>An account in <paramref name="stage"/> and <paramref name="segment"/> is the team's to work; no segments named means every segment.</summary>
    public bool Covers(Stage stage, string? segment) =>
        Stages.Contains(stage) && (Segments.IsEmpty || (segment is not null && Segments.Contains(segment)));

    /// <summary>
    /// A team from a request's fields, or every problem with them at once (field → what to fix):
    /// a name, at least one stage by its exact name, segments as ids, lease minutes 1–480 (default 15).
    /// </summary>
    public static (Team? Team, Dictionary<string, string[]> Errors) Parse(
        string? name, IReadOnlyList<string?>? stages, IReadOnlyList<string?>? segments, int? leaseMinutes)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
        {
            errors["name"] = [$"is required: 1–{MaxNameLength} characters"];
        }

        var parsedStages = ImmutableArray.CreateBuilder<Stage>();
        if (stages is null || stages.Count == 0)
        {
            errors["stages"] = [$"needs at least one stage: {string.Join(", ", Enum.GetNames<Stage>())}"];
        }
        else
        {
            for (var i = 0; i < stages.Count; i++)
            {
                var text = stages[i];
                if (!Enum.TryParse<Stage>(text, ignoreCase: false, out var stage) || !Enum.IsDefined(stage) || int.TryParse(text, out _))
                {
                    errors[$"stages[{i}]"] = [$"'{text}' is not a stage: one of {string.Join(", ", Enum.GetNames<Stage>())}"];
                }
                else if (parsedStages.Contains(stage))
                {
                    errors[$"stages[{i}]"] = [$"{stage} is named twice"];
                }
                else
                {
                    parsedStages.Add(stage);
                }
            }
        }

        var parsedSegments = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < (segments?.Count ?? 0); i++)
        {
            var segment = segments![i];
            if (segment is null || !AccountRecordParser.IsValidAccountRef(segment))
            {
                errors[$"segments[{i}]"] = ["must be a segment name: 1–64 characters of A–Z a–z 0–9 . _ : -"];
            }
            else if (parsedSegments.Contains(segment))
            {
                errors[$"segments[{i}]"] = [$"'{segment}' is named twice"];
            }
            else
            {
                parsedSegments.Add(segment);
            }
        }

        if (leaseMinutes is < 1 or > MaxLeaseMinutes)
        {
            errors["leaseMinutes"] = [$"must be 1–{MaxLeaseMinutes} (default {DefaultLeaseMinutes})"];
        }

        return errors.Count > 0
            ? (null, errors)
            : (new Team(name!.Trim(), parsedStages.ToImmutable(), parsedSegments.ToImmutable(), leaseMinutes ?? DefaultLeaseMinutes), errors);
    }
}
