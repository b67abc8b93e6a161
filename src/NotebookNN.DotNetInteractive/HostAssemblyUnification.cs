using System.Reflection;
using System.Runtime.Loader;

namespace NotebookNN.DotNetInteractive;

/// <summary>
/// Lets packages built against a newer minor version of an assembly the host ships run on the host's copy.
/// dotnet-interactive 1.0.712001 carries FSharp.Core 10.0.0.0 in its own folder, so the runtime can load no other
/// copy, while Plotly.NET 6.0.0 (through DynamicObj 8) asks for 10.1.0.0: every chart failed with "Could not load
/// FSharp.Core, Version=10.1.0.0". When a request fails, this returns the copy already loaded under the same name
/// and public key token if its major version matches, as a binding redirect would on .NET Framework.
/// </summary>
internal static class HostAssemblyUnification
{
    private static int _installed;

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        AssemblyLoadContext.Default.Resolving += (_, requested) => LoadedCounterpart(requested);
    }

    internal static Assembly? LoadedCounterpart(AssemblyName requested)
    {
        if (requested.Version is null) return null;
        var token = requested.GetPublicKeyToken();
        return AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic)
            .Select(a => (Assembly: a, Name: a.GetName()))
            .Where(a => string.Equals(a.Name.Name, requested.Name, StringComparison.OrdinalIgnoreCase)
                        && a.Name.Version is { } version && version.Major == requested.Version.Major
                        && (token is null || token.Length == 0 || (a.Name.GetPublicKeyToken() ?? []).AsSpan().SequenceEqual(token)))
            .OrderByDescending(a => a.Name.Version)
            .Select(a => a.Assembly)
            .FirstOrDefault();
    }
}
