using System.Net;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>A host whose debtor's page allows 3 requests a minute per link and 8 per client address.</summary>
public sealed class RateLimitedPortalHost : IAsyncLifetime
{
    public const int PerToken = 3;
    public const int PerAddress = 8;

    public HostFixture Host { get; } = HostFixture.With("Development", new Dictionary<string, string?>
    {
        ["Collections:Portal:TokenRequestsPerMinute"] = PerToken.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Collections:Portal:AddressRequestsPerMinute"] = PerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public Task InitializeAsync() => Host.InitializeAsync();

    public Task DisposeAsync() => Host.DisposeAsync();
}

/// <summary>The debtor's page answers 429 beyond its limits — per link, whoever asks, and per client address, whatever the link.</summary>
public sealed class PortalRateLimitTests(RateLimitedPortalHost limited) : IClassFixture<RateLimitedPortalHost>
{
    private static string Token(char c) => new(c, 43);

    [Fact]
    public async Task One_link_is_limited_per_minute_and_so_is_one_address_across_links_and_the_answer_says_when_to_retry()
    {
        var client = limited.Host.Client(null);

        // Per link: the page and the API count together.
        for (var i = 0; i < RateLimitedPortalHost.PerToken; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(i % 2 == 0 ? $"/api/v1/portal/{Token('a')}" : $"/pay/{Token('a')}")).StatusCode);
        }

        var perToken = await client.GetAsync($"/api/v1/portal/{Token('a')}");
        var problem = await perToken.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("wait a minute", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(perToken.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        // Per address: a new link each time, each asked once (so never over its own limit), until the address has spent its minute.
        var answers = new List<HttpStatusCode>();
        for (var fresh = 'b'; answers.Count < RateLimitedPortalHost.PerAddress && !answers.Contains(HttpStatusCode.TooManyRequests); fresh++)
        {
            answers.Add((await client.GetAsync($"/api/v1/portal/{Token(fresh)}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
        Assert.All(answers[..^1], answer => Assert.Equal(HttpStatusCode.NotFound, answer));

        // The lender's API is not the page's: not limited by it.
        Assert.Equal(HttpStatusCode.OK, (await limited.Host.Admin.GetAsync("/api/v1/lenders/L-rate/strategy")).StatusCode);
    }
}
