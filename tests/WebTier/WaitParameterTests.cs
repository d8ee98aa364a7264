using ImageRec.WebTier.Apis;

namespace ImageRec.Tests.WebTier;

public sealed class WaitParameterTests
{
    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("0", 0)]
    [InlineData("10", 10)]
    [InlineData("30", 30)]
    [InlineData("600", 30)] // clamped to the maximum
    public void Valid_waits_are_accepted_and_clamped(string? value, int seconds)
    {
        Assert.True(ImagesApi.TryParseWait(value, 30, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(seconds), wait);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("ten")]
    [InlineData(" 5")]
    public void Invalid_waits_are_refused(string value) => Assert.False(ImagesApi.TryParseWait(value, 30, out _));
}
