using System.Globalization;

namespace NotebookNN;

/// <summary>Thrown when a notebook's claim does not hold: the headless harness turns it into a failing notebook.</summary>
public sealed class ClaimFailedException(string message) : Exception(message);

/// <summary>
/// How the notebooks prove what they say: each key claim is checked in code with the measured numbers.
/// A claim that holds prints one line starting with ✔; one that does not throws with ✘, so the notebook fails.
/// </summary>
public static class Claims
{
    /// <summary>Checks <paramref name="holds"/>; <paramref name="measured"/> states the numbers behind it.</summary>
    public static void Check(bool holds, string claim, string measured)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(claim);
        if (!holds)
            throw new ClaimFailedException($"✘ {claim} — measured: {measured}");
        // Console.Out at call time: the notebook engine captures it per cell.
        Console.Out.WriteLine($"✔ {claim} — {measured}");
    }

    /// <summary>Claims |<paramref name="actual"/> − <paramref name="expected"/>| ≤ <paramref name="tolerance"/>.</summary>
    public static void Close(double actual, double expected, double tolerance, string claim)
    {
        if (tolerance < 0) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "A tolerance cannot be negative.");
        double diff = Math.Abs(actual - expected);
        Check(diff <= tolerance && !double.IsNaN(diff), claim,
            F($"{actual:G9} vs {expected:G9}, |difference| = {diff:G3} (tolerance {tolerance:G3})"));
    }

    /// <summary>Claims <paramref name="actual"/> ≥ <paramref name="bound"/>.</summary>
    public static void AtLeast(double actual, double bound, string claim) =>
        Check(actual >= bound, claim, F($"{actual:G6} (needs ≥ {bound:G6})"));

    /// <summary>Claims <paramref name="actual"/> &lt; <paramref name="bound"/>.</summary>
    public static void Below(double actual, double bound, string claim) =>
        Check(actual < bound, claim, F($"{actual:G6} (needs < {bound:G6})"));

    static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
