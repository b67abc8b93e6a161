namespace NotebookNN.Kernel.Engine;

/// <summary>Type names as C# code writes them (<c>int</c>, <c>List&lt;string&gt;</c>, <c>double[]</c>).</summary>
internal static class TypeNames
{
    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(bool)] = "bool", [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte", [typeof(char)] = "char",
        [typeof(short)] = "short", [typeof(ushort)] = "ushort", [typeof(int)] = "int", [typeof(uint)] = "uint",
        [typeof(long)] = "long", [typeof(ulong)] = "ulong", [typeof(float)] = "float", [typeof(double)] = "double",
        [typeof(decimal)] = "decimal", [typeof(string)] = "string", [typeof(object)] = "object", [typeof(void)] = "void",
        [typeof(nint)] = "nint", [typeof(nuint)] = "nuint",
    };

    public static string CSharpName(Type type)
    {
        if (Keywords.TryGetValue(type, out var keyword)) return keyword;
        if (type.IsArray) return CSharpName(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        if (Nullable.GetUnderlyingType(type) is { } underlying) return CSharpName(underlying) + "?";
        if (type.IsGenericParameter) return type.Name;
        var name = type.IsNested && !type.DeclaringType!.Name.StartsWith("Submission#", StringComparison.Ordinal)
            ? CSharpName(type.DeclaringType!) + "." + type.Name
            : type.Name;
        if (!type.IsGenericType) return name;
        if (type.FullName?.StartsWith("System.ValueTuple`", StringComparison.Ordinal) == true)
            return "(" + string.Join(", ", type.GetGenericArguments().Select(CSharpName)) + ")";
        var tick = name.IndexOf('`');
        if (tick >= 0) name = name[..tick];
        return name + "<" + string.Join(", ", type.GetGenericArguments().Select(CSharpName)) + ">";
    }
}
