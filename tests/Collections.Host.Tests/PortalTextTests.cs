using Collections.Domain;
using Collections.Host.Portal;

namespace Collections.Host.Tests;

public sealed class PortalTextTests
{
    [Theory]
    [InlineData("zh")]
    [InlineData("en")]
    public void Every_stage_the_page_can_announce_has_a_name_the_debtor_understands(string language)
    {
        foreach (var stage in Enum.GetValues<Stage>())
        {
            var name = PortalText.Get(language, $"stage.{stage}");
            Assert.NotEqual($"stage.{stage}", name);
            Assert.DoesNotContain(stage.ToString(), name, StringComparison.Ordinal);
        }
    }
}
