using System.Reflection;

namespace NotebookNN.Extensibility;

/// <summary>How a host finds the extensions an assembly carries, whatever the extension contract.</summary>
public static class ExtensionTypes
{
    /// <summary>
    /// The public, concrete, non-generic types of <paramref name="assembly"/> that implement
    /// <typeparamref name="TContract"/> and have a parameterless constructor, the ones a host can create. Types that
    /// fail to load (a missing dependency) are left out rather than failing the whole assembly.
    /// </summary>
    public static IReadOnlyList<Type> In<TContract>(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types.OfType<Type>().Where(t => t.IsPublic).ToArray();
        }
        return types.Where(t => typeof(TContract).IsAssignableFrom(t)
                                && t is { IsAbstract: false, IsInterface: false, IsGenericTypeDefinition: false }
                                && t.GetConstructor(Type.EmptyTypes) is not null)
            .ToList();
    }
}
