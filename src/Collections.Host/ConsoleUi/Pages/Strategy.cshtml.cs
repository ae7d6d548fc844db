using System.Text.Json;
using System.Text.Json.Nodes;
using Collections.Host.Api;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Collections.Host.ConsoleUi.Pages;

/// <summary>The lender's strategy document, current or an earlier version, as the API's strategy handler answers it.</summary>
public sealed class StrategyModel : ConsolePage
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [FromRoute]
    public string LenderId { get; set; } = string.Empty;

    public int Version { get; private set; }

    public int Current { get; private set; }

    public string CreatedAt { get; private set; } = string.Empty;

    public string Document { get; private set; } = string.Empty;

    public async Task<IActionResult> OnGetAsync(int? version)
    {
        if (!await MayAsync(Policies.LenderReader) || !LenderScopeFilter.Sees(Who, LenderId) || !Ids.Valid(LenderId)
            || (await StrategyApi.GetAsync(LenderId, Grains)).Result.Value<JsonObject>() is not { } current
            || (await StrategyApi.GetAsync(LenderId, Grains, version)).Result.Value<JsonObject>() is not { } shown)
        {
            return NotFound();
        }

        Current = current["version"]!.GetValue<int>();
        Version = shown["version"]!.GetValue<int>();
        CreatedAt = shown["createdAt"]?.ToString() ?? string.Empty;
        Document = shown.ToJsonString(Indented);
        return Page();
    }
}
