// Compiled twice: by MSBuild's RoslynCodeTaskFactory (Directory.Build.targets) to patch the build output,
// and into the library tests, so the logic that runs in the build is the logic that is tested.
//
// Why this exists: TorchSharp 0.107's libLibTorchSharp.so declares a version need on GLIBCXX_3.4.32, which
// Debian 12 / Ubuntu 22.04's libstdc++ (3.4.30) lacks. The only symbol behind that version,
// std::ios_base_library_init(), is referenced by no relocation, so marking the need weak (VER_FLG_WEAK)
// lets the dynamic loader accept the library. Only the flags of that one Vernaux entry are changed.
#nullable enable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace NotebookNN.Build
{
    public enum PatchOutcome
    {
        /// <summary>The version need was strong and is now weak.</summary>
        Patched,
        /// <summary>The need was weak already: nothing written.</summary>
        AlreadyWeak,
        /// <summary>The host's libstdc++ defines the version: nothing to do.</summary>
        NotNeeded,
        /// <summary>The library does not ask for that version at all.</summary>
        NoSuchNeed,
    }

    public static class ElfVersionNeedPatcher
    {
        public const string TorchSharpNeed = "GLIBCXX_3.4.32";
        const ushort VerFlgWeak = 0x2;
        const uint ShtGnuVerdef = 0x6ffffffd;
        const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>Marks <paramref name="versionName"/> weak in <paramref name="library"/> unless the host libstdc++ defines it.</summary>
        /// <param name="hostLibStdCxx">The host's libstdc++.so.6, or null when none is found (then the patch applies).</param>
        public static PatchOutcome PatchIfNeeded(string library, string? hostLibStdCxx, string versionName = TorchSharpNeed)
        {
            if (hostLibStdCxx != null && DefinedVersions(hostLibStdCxx).Contains(versionName))
                return PatchOutcome.NotNeeded;
            return MarkNeedWeak(library, versionName);
        }

        /// <summary>Sets VER_FLG_WEAK on the Vernaux entry named <paramref name="versionName"/>; writes only if it changes.</summary>
        public static PatchOutcome MarkNeedWeak(string library, string versionName)
        {
            byte[] image = File.ReadAllBytes(library);
            var elf = new Elf64(image, library);
            long flagsOffset = -1;
            foreach (var (name, offset) in elf.VersionNeeds())
                if (name == versionName) { flagsOffset = offset; break; }
            if (flagsOffset < 0) return PatchOutcome.NoSuchNeed;

            ushort flags = elf.U16(flagsOffset);
            if ((flags & VerFlgWeak) != 0) return PatchOutcome.AlreadyWeak;

            ushort patched = (ushort)(flags | VerFlgWeak);
            image[flagsOffset] = (byte)(patched & 0xff);
            image[flagsOffset + 1] = (byte)(patched >> 8);
            // Write a sibling and rename over: the output copy may be a hard link into the NuGet cache,
            // which must stay pristine, and a reader never sees a half-written library.
            string temp = library + ".nnbpatch.tmp";
            File.WriteAllBytes(temp, image);
            // netstandard2.0 (the task factory's target) has no File.Move overwrite: delete, then move.
            File.Delete(library);
            File.Move(temp, library);
            return PatchOutcome.Patched;
        }

        /// <summary>The version need entries (name, file offset of vna_flags) of a shared library.</summary>
        public static IReadOnlyList<(string Name, long FlagsOffset, bool Weak)> ReadVersionNeeds(string library)
        {
            var elf = new Elf64(File.ReadAllBytes(library), library);
            var result = new List<(string, long, bool)>();
            foreach (var (name, offset) in elf.VersionNeeds())
                result.Add((name, offset, (elf.U16(offset) & VerFlgWeak) != 0));
            return result;
        }

        /// <summary>The version names a shared library defines (its .gnu.version_d), e.g. GLIBCXX_3.4.30.</summary>
        public static ISet<string> DefinedVersions(string library)
        {
            var elf = new Elf64(File.ReadAllBytes(library), library);
            return new HashSet<string>(elf.VersionDefinitions(), StringComparer.Ordinal);
        }

        /// <summary>Finds the libstdc++.so.6 the dynamic loader would use, or null.</summary>
        public static string? FindHostLibStdCxx()
        {
            foreach (var candidate in LdconfigCandidates())
                if (File.Exists(candidate)) return candidate;
            string[] dirs =
            {
                "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                "/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
            };
            foreach (var dir in dirs)
            {
                string path = Path.Combine(dir, "libstdc++.so.6");
                if (File.Exists(path)) return path;
            }
            return null;
        }

        static IEnumerable<string> LdconfigCandidates()
        {
            string output;
            try
            {
                foreach (var ldconfig in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" })
                {
                    if (!File.Exists(ldconfig)) continue;
                    var psi = new ProcessStartInfo(ldconfig, "-p") { RedirectStandardOutput = true, UseShellExecute = false };
                    using var process = Process.Start(psi)!;
                    output = process.StandardOutput.ReadToEnd();
                    process.WaitForExit();
                    return ParseLdconfig(output);
                }
            }
            catch (Exception)
            {
                // No ldconfig (containers, musl): the fixed directory list covers it.
            }
            return Array.Empty<string>();
        }

        static IEnumerable<string> ParseLdconfig(string output)
        {
            var paths = new List<string>();
            string arch = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture ==
                          System.Runtime.InteropServices.Architecture.Arm64 ? "AArch64" : "x86-64";
            foreach (var line in output.Split('\n'))
            {
                string trimmed = line.Trim();
                if (!trimmed.StartsWith("libstdc++.so.6 ", StringComparison.Ordinal)) continue;
                if (!trimmed.Contains(arch)) continue;
                int arrow = trimmed.IndexOf("=>", StringComparison.Ordinal);
                if (arrow > 0) paths.Add(trimmed.Substring(arrow + 2).Trim());
            }
            return paths;
        }

        /// <summary>Just enough of ELF64 little-endian to walk the version sections.</summary>
        sealed class Elf64
        {
            readonly byte[] _b;
            readonly string _path;

            public Elf64(byte[] bytes, string path)
            {
                _b = bytes;
                _path = path;
                if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
                    throw new InvalidDataException($"{path} is not an ELF file.");
                if (bytes[4] != 2 || bytes[5] != 1)
                    throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file (class {bytes[4]}, data {bytes[5]}).");
            }

            public ushort U16(long o) => (ushort)(_b[o] | (_b[o + 1] << 8));
            uint U32(long o) => (uint)(_b[o] | (_b[o + 1] << 8) | (_b[o + 2] << 16) | (_b[o + 3] << 24));
            ulong U64(long o) => U32(o) | ((ulong)U32(o + 4) << 32);

            IEnumerable<(uint Type, long Offset, long Size, uint Link)> Sections()
            {
                long shoff = (long)U64(0x28);
                int shentsize = U16(0x3A), shnum = U16(0x3C);
                if (shoff == 0 || shnum == 0)
                    throw new InvalidDataException($"{_path} has no section headers; cannot find its version sections.");
                for (int i = 0; i < shnum; i++)
                {
                    long h = shoff + (long)i * shentsize;
                    if (h + 64 > _b.Length) throw new InvalidDataException($"{_path}: section header {i} lies past the end of the file.");
                    yield return (U32(h + 4), (long)U64(h + 0x18), (long)U64(h + 0x20), U32(h + 0x28));
                }
            }

            (long Offset, long Size) SectionByIndex(uint index)
            {
                int i = 0;
                foreach (var s in Sections())
                    if (i++ == index) return (s.Offset, s.Size);
                throw new InvalidDataException($"{_path}: section {index} does not exist.");
            }

            string CString(long tableOffset, uint index)
            {
                long start = tableOffset + index, end = start;
                while (end < _b.Length && _b[end] != 0) end++;
                return Encoding.ASCII.GetString(_b, (int)start, (int)(end - start));
            }

            public IEnumerable<(string Name, long FlagsOffset)> VersionNeeds()
            {
                foreach (var s in Sections())
                {
                    if (s.Type != ShtGnuVerneed) continue;
                    long strtab = SectionByIndex(s.Link).Offset;
                    long need = s.Offset;
                    while (true)
                    {
                        ushort count = U16(need + 2);
                        long aux = need + U32(need + 8);
                        for (int i = 0; i < count; i++)
                        {
                            yield return (CString(strtab, U32(aux + 8)), aux + 4);
                            uint nextAux = U32(aux + 12);
                            if (nextAux == 0) break;
                            aux += nextAux;
                        }
                        uint next = U32(need + 12);
                        if (next == 0) break;
                        need += next;
                    }
                }
            }

            public IEnumerable<string> VersionDefinitions()
            {
                foreach (var s in Sections())
                {
                    if (s.Type != ShtGnuVerdef) continue;
                    long strtab = SectionByIndex(s.Link).Offset;
                    long def = s.Offset;
                    while (true)
                    {
                        // The first Verdaux of each Verdef names the version itself; later ones name its parents.
                        long aux = def + U32(def + 12);
                        yield return CString(strtab, U32(aux));
                        uint next = U32(def + 16);
                        if (next == 0) break;
                        def += next;
                    }
                }
            }
        }
    }

#if !NOTEBOOKNN_NO_MSBUILD_TASK
    /// <summary>MSBuild task: patches every libLibTorchSharp.so in <see cref="Libraries"/> where the host needs it.</summary>
    public class PatchTorchSharpGlibcxxNeed : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        public override bool Execute()
        {
            if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux))
                return true;
            string? host = ElfVersionNeedPatcher.FindHostLibStdCxx();
            foreach (var item in Libraries)
            {
                string path = item.ItemSpec;
                if (!File.Exists(path)) continue;
                var outcome = ElfVersionNeedPatcher.PatchIfNeeded(path, host);
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                    $"NotebookNN: {path}: {ElfVersionNeedPatcher.TorchSharpNeed} {outcome} (host libstdc++: {host ?? "not found"})");
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
