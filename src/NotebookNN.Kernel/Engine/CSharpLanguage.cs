using Microsoft.CodeAnalysis.CSharp;

namespace NotebookNN.Kernel.Engine;

/// <summary>
/// The C# version cells compile with, chosen once for the engine, its language services and kernel_info. The default
/// is C# 14: the .NET 10 SDK's default and the version .NET Interactive 1.0.712001 compiles, so identifiers that a
/// newer C# turns into keywords keep working (Roslyn 5.12's "latest" is C# 15, where <c>union</c> is a keyword and
/// <c>var union = a; union.UnionWith(b);</c> fails). Set <c>NNB_LANGVERSION</c> (e.g. <c>preview</c>, <c>latest</c>,
/// <c>13</c>) to choose another, as <c>&lt;LangVersion&gt;</c> does in a project.
/// </summary>
internal static class CSharpLanguage
{
    public const string EnvironmentVariable = "NNB_LANGVERSION";
    public const LanguageVersion Default = LanguageVersion.CSharp14;

    private static readonly Lazy<LanguageVersion> Chosen = new(() => Parse(Environment.GetEnvironmentVariable(EnvironmentVariable)));

    /// <summary>The effective version (never <c>Latest</c> or <c>Preview</c> unmapped).</summary>
    public static LanguageVersion Version => Chosen.Value;

    /// <summary>"14.0": what kernel_info and <c>#!about</c> report.</summary>
    public static string DisplayVersion => Version.ToDisplayString();

    /// <summary>The version <paramref name="text"/> names (null or empty: the default).</summary>
    /// <exception cref="ArgumentException">Not a C# version this compiler knows.</exception>
    public static LanguageVersion Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Default;
        if (LanguageVersionFacts.TryParse(text.Trim(), out var version))
            return version.MapSpecifiedToEffectiveVersion();
        throw new ArgumentException(
            $"{EnvironmentVariable}='{text}' is not a C# language version. Use a number such as 13 or 14, 'latest' or 'preview', or unset it for C# {Default.ToDisplayString()}.");
    }
}
