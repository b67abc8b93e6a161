namespace NotebookNN.Tests.Claims;

[Collection("Console")]
public sealed class ClaimsTests
{
    static string Capture(Action action)
    {
        var previous = Console.Out;
        var writer = new StringWriter();
        Console.SetOut(writer);
        try { action(); }
        finally { Console.SetOut(previous); }
        return writer.ToString();
    }

    [Fact]
    public void A_holding_claim_prints_a_tick_line_with_the_numbers()
    {
        string text = Capture(() => NotebookNN.Claims.AtLeast(0.91, 0.85, "test accuracy is at least 0.85"));
        Assert.Equal("✔ test accuracy is at least 0.85 — 0.91 (needs ≥ 0.85)" + Environment.NewLine, text);
    }

    [Fact]
    public void A_false_claim_throws_with_a_cross_the_claim_and_the_numbers()
    {
        var error = Assert.Throws<ClaimFailedException>(() => NotebookNN.Claims.Close(0.5, 0.25, 1e-6, "the two losses agree"));
        Assert.Equal("✘ the two losses agree — measured: 0.5 vs 0.25, |difference| = 0.25 (tolerance 1E-06)", error.Message);
    }

    [Fact]
    public void NaN_never_counts_as_close()
    {
        Assert.Throws<ClaimFailedException>(() => NotebookNN.Claims.Close(double.NaN, 0, 1, "finite"));
        Assert.Throws<ClaimFailedException>(() => NotebookNN.Claims.Below(double.NaN, 1, "small"));
    }
}
