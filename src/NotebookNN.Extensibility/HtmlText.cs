using System.Text;

namespace NotebookNN.Extensibility;

/// <summary>
/// The one HTML escaper of NotebookNN: the formatters, the HTML pages nnb writes and the kernel's own views all use it.
/// </summary>
public static class HtmlText
{
    /// <summary>Escapes text for element content and attribute values. Only the five markup characters are replaced;
    /// other characters stay readable in the page source (pages and outputs are UTF-8).</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (text.AsSpan().IndexOfAny("<>&\"'") < 0) return text;
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '&': builder.Append("&amp;"); break;
                case '"': builder.Append("&quot;"); break;
                case '\'': builder.Append("&#39;"); break;
                default: builder.Append(c); break;
            }
        }
        return builder.ToString();
    }

    /// <summary>Keeps text placed inside a &lt;script&gt; element from ending it early (<c>&lt;/script</c>) or opening
    /// an HTML comment (<c>&lt;!--</c>); both rewrites mean the same in JavaScript.</summary>
    public static string EscapeScript(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase).Replace("<!--", "<\\!--", StringComparison.Ordinal);
    }
}
