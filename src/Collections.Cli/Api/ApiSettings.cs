namespace Collections.Cli.Api;

/// <summary>Where the API is and which key to send: options first, then environment variables, then defaults.</summary>
public sealed record ApiSettings(Uri BaseAddress, string? ApiKey)
{
    public const string UrlVariable = "COLLECTIONS_URL";
    public const string KeyVariable = "COLLECTIONS_API_KEY";
    public const string DefaultUrl = "http://localhost:5000";

    public static ApiSettings Resolve(string? urlOption, string? keyOption, Func<string, string?> variables)
    {
        var url = FirstNonEmpty(urlOption, variables(UrlVariable)) ?? DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            var source = FirstNonEmpty(urlOption) is null && FirstNonEmpty(variables(UrlVariable)) is not null ? UrlVariable : "--url";
            throw new CliException($"'{url}' (from {source}) is not an http:// or https:// URL; give the API's base address, e.g. {DefaultUrl}.");
        }

        // Relative API paths resolve under the base address only when it ends with a slash.
        var text = parsed.GetLeftPart(UriPartial.Path);
        var normalized = new Uri(text.EndsWith('/') ? text : text + "/");
        return new(normalized, FirstNonEmpty(keyOption, variables(KeyVariable))?.Trim());
    }

    /// <summary>Never shows the key, wherever a settings object ends up printed.</summary>
    public override string ToString() => $"{BaseAddress} (key {(ApiKey is null ? "none" : "given")})";

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
