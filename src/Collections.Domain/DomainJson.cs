using System.Text.Json;
using System.Text.Json.Serialization;

namespace Collections.Domain;

/// <summary>The one JSON shape of stored state and events: camelCase, enums as strings, no type names.</summary>
public static class DomainJson
{
    public static readonly JsonSerializerOptions Options = Create();

    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
