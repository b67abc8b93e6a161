using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis.CSharp;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>What kernel_info_reply says about this kernel and its language.</summary>
public static class KernelInfo
{
    /// <summary>The implementation name front ends show.</summary>
    public const string Implementation = "notebooknn";

    /// <summary>The nnb version, from the assembly's informational version (without the source hash).</summary>
    public static string ImplementationVersion
    {
        get
        {
            string version = typeof(KernelInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? typeof(KernelInfo).Assembly.GetName().Version?.ToString() ?? "0.0.0";
            int plus = version.IndexOf('+');
            return plus < 0 ? version : version[..plus];
        }
    }

    /// <summary>The MIME type CodeMirror knows C# by (clike mode with C#'s keyword list).</summary>
    public const string CodeMirrorMime = "text/x-csharp";

    /// <summary>The C# language version cells are compiled with, e.g. "14.0".</summary>
    public static string LanguageVersion => Engine.CSharpLanguage.DisplayVersion;

    /// <summary>The content of a kernel_info_reply.</summary>
    public static JsonObject ReplyContent() => new()
    {
        ["status"] = "ok",
        ["protocol_version"] = JupyterMessage.ProtocolVersion,
        ["implementation"] = Implementation,
        ["implementation_version"] = ImplementationVersion,
        ["language_info"] = new JsonObject
        {
            ["name"] = "C#",
            ["version"] = LanguageVersion,
            ["mimetype"] = CodeMirrorMime,
            ["file_extension"] = ".cs",
            ["pygments_lexer"] = "csharp",
            // Named by its MIME type: CodeMirror 5 (Notebook 6) resolves "text/x-csharp" to the clike mode with C#'s
            // keywords, types and literals, while the bare mode name "clike" has no keyword list, so nothing is
            // highlighted. The mime field is what JupyterLab's mode lookup falls back to.
            ["codemirror_mode"] = new JsonObject { ["name"] = CodeMirrorMime, ["mime"] = CodeMirrorMime },
        },
        ["banner"] = $"NotebookNN C# kernel {ImplementationVersion} (C# {LanguageVersion}, .NET {Environment.Version.ToString()})",
        ["debugger"] = false,
        ["help_links"] = new JsonArray(
            new JsonObject { ["text"] = "C# documentation", ["url"] = "https://learn.microsoft.com/dotnet/csharp/" },
            new JsonObject { ["text"] = "TorchSharp", ["url"] = "https://github.com/dotnet/TorchSharp" }),
    };
}
