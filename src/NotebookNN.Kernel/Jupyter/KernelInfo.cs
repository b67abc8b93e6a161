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
            ["mimetype"] = "text/x-csharp",
            ["file_extension"] = ".cs",
            ["pygments_lexer"] = "csharp",
            ["codemirror_mode"] = new JsonObject { ["name"] = "clike", ["mime"] = "text/x-csharp" },
        },
        ["banner"] = $"NotebookNN C# kernel {ImplementationVersion} (C# {LanguageVersion}, .NET {Environment.Version.ToString()})",
        ["debugger"] = false,
        ["help_links"] = new JsonArray(
            new JsonObject { ["text"] = "C# documentation", ["url"] = "https://learn.microsoft.com/dotnet/csharp/" },
            new JsonObject { ["text"] = "TorchSharp", ["url"] = "https://github.com/dotnet/TorchSharp" }),
    };
}
