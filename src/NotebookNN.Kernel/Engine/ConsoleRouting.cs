using System.Text;

namespace NotebookNN.Kernel.Engine;

/// <summary>
/// Routes <see cref="Console.Out"/>, <see cref="Console.Error"/> and <see cref="Console.In"/> to the cell that is
/// running in the current execution context. The cell is kept in an <see cref="AsyncLocal{T}"/>, so tasks, timers
/// and threads the cell starts write into that same cell, and several engines in one process (tests, parallel
/// runs) never mix their outputs. Text written outside any cell goes to the process's original console.
/// </summary>
internal static class ConsoleRouting
{
    private static readonly AsyncLocal<CellOutputChannel?> CurrentChannel = new();
    private static readonly object InstallGate = new();
    private static bool _installed;

    /// <summary>The cell running in this execution context, if any.</summary>
    public static CellOutputChannel? Current => CurrentChannel.Value;

    /// <summary>Makes <paramref name="channel"/> the current cell for this execution context and what flows from it.</summary>
    public static void Enter(CellOutputChannel? channel) => CurrentChannel.Value = channel;

    /// <summary>Replaces the process's console streams by the routing ones, once per process.</summary>
    public static void Install()
    {
        lock (InstallGate)
        {
            if (_installed) return;
            var stdout = Console.Out;
            var stderr = Console.Error;
            var stdin = Console.In;
            Console.SetOut(new RoutingWriter("stdout", stdout));
            Console.SetError(new RoutingWriter("stderr", stderr));
            Console.SetIn(new RoutingReader(stdin));
            _installed = true;
        }
    }

    private sealed class RoutingWriter(string streamName, TextWriter fallback) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override IFormatProvider FormatProvider => System.Globalization.CultureInfo.InvariantCulture;

        public override void Write(char value) => Route(value.ToString());

        public override void Write(string? value)
        {
            if (value is not null) Route(value);
        }

        public override void Write(char[] buffer, int index, int count) => Route(new string(buffer, index, count));

        public override void Write(ReadOnlySpan<char> buffer) => Route(new string(buffer));

        public override void WriteLine() => Route(NewLine);

        public override void WriteLine(string? value) => Route((value ?? "") + NewLine);

        public override void Flush()
        {
            if (Current is null) fallback.Flush();
        }

        private void Route(string text)
        {
            var channel = Current;
            if (channel is not null && channel.WriteStream(streamName, text)) return;
            fallback.Write(text);
        }
    }

    /// <summary>Console input inside a cell comes from the front end through <see cref="ICellExecutor.InputProvider"/>;
    /// without a provider (or outside a cell) reads see end of input (null), like a closed stdin.</summary>
    private sealed class RoutingReader(TextReader fallback) : TextReader
    {
        private readonly AsyncLocal<string?> _leftover = new();

        public override string? ReadLine()
        {
            var channel = Current;
            if (channel is null) return fallback.ReadLine();
            if (_leftover.Value is { } rest)
            {
                _leftover.Value = null;
                return rest.EndsWith('\n') ? rest[..^1] : rest;
            }
            return channel.Engine.ReadInputLine(channel, prompt: "", password: false);
        }

        public override int Read()
        {
            var channel = Current;
            if (channel is null) return fallback.Read();
            var line = _leftover.Value;
            if (line is null)
            {
                var read = ReadLine();
                if (read is null) return -1;
                line = read + "\n";
            }
            _leftover.Value = line.Length > 1 ? line[1..] : null;
            return line[0];
        }

        public override int Peek()
        {
            var channel = Current;
            if (channel is null) return fallback.Peek();
            return _leftover.Value is { Length: > 0 } rest ? rest[0] : -1;
        }
    }
}
