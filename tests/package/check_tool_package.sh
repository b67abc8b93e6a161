#!/usr/bin/env bash
# The packages as a user gets them: packs the solution (the README's command), installs the nnb tool from the
# packages folder into a temporary tool path, and from a folder outside the repository runs a curriculum notebook
# with it, registers its kernel (kernel.json must start the installed tool) and runs a notebook through that kernel
# with Jupyter's nbconvert. Also checks what the packages carry: readme, licence, repository, symbols, XML docs,
# and the GLIBCXX-patched TorchSharp shim. Usage: check_tool_package.sh [--no-pack]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
packages="$repo/artifacts/packages"
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -1)
fail() { echo "tool package check: $*" >&2; exit 1; }
# A package is a zip; Python reads it (unzip is not on every CI image).
zip_list() { /usr/bin/python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$1"; }
zip_cat() { /usr/bin/python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$1" "$2"; }

if [ "${1:-}" != "--no-pack" ]; then
  rm -rf "$packages"
  (cd "$repo" && dotnet pack NotebookNN.sln -c Release -o artifacts/packages) >/tmp/nnb-pack.log 2>&1 || { cat /tmp/nnb-pack.log; fail "dotnet pack failed"; }
fi

# What each package carries.
for id in NotebookNN NotebookNN.Interactive NotebookNN.Tool.linux-x64; do
  nupkg="$packages/$id.$version.nupkg"
  [ -f "$nupkg" ] || fail "missing $nupkg"
  [ -f "$packages/$id.$version.snupkg" ] || fail "missing the symbol package of $id"
  nuspec=$(zip_cat "$nupkg" "$id.nuspec")
  for field in '<readme>README.md</readme>' '<license type="expression">MIT</license>' '<repository type="git" url="https://github.com/'; do
    grep -qF "$field" <<<"$nuspec" || fail "$id's nuspec lacks $field"
  done
  files=$(zip_list "$nupkg")   # listed first: grep -q would end a pipe early and pipefail would fail it
  grep -qx 'README.md' <<<"$files" || fail "$id carries no README.md"
done
[ -f "$packages/NotebookNN.Tool.$version.nupkg" ] || fail "missing the NotebookNN.Tool package"
for id in NotebookNN NotebookNN.Interactive; do
  files=$(zip_list "$packages/$id.$version.nupkg")
  grep -qx "lib/net10.0/$id.xml" <<<"$files" || fail "$id carries no XML docs"
done
tool_files=$(zip_list "$packages/NotebookNN.Tool.linux-x64.$version.nupkg")
for file in nnb.dll NotebookNN.dll NotebookNN.Interactive.dll TorchSharp.dll libLibTorchSharp.so libtorch_cpu.so datasets/mnist/t10k-images-idx3-ubyte.gz; do
  grep -qx "tools/net10.0/linux-x64/$file" <<<"$tool_files" || fail "the tool package lacks $file"
done
# The shim must be the one the build patched (its GLIBCXX_3.4.32 need made weak), not TorchSharp's original.
packed_shim=$(zip_cat "$packages/NotebookNN.Tool.linux-x64.$version.nupkg" tools/net10.0/linux-x64/libLibTorchSharp.so | sha256sum | cut -d' ' -f1)
built_shim=$(sha256sum "$repo/src/NotebookNN.Kernel/bin/Release/net10.0/runtimes/linux-x64/native/libLibTorchSharp.so" | cut -d' ' -f1)
[ "$packed_shim" = "$built_shim" ] || fail "the packed libLibTorchSharp.so is not the patched one in the build output"

# A fresh place: its own tool path, its own NuGet cache (no stale copy of this version), a work folder outside the repo.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export NUGET_PACKAGES="$scratch/nuget"
dotnet tool install NotebookNN.Tool --version "$version" --tool-path "$scratch/tools" --add-source "$packages" >"$scratch/install.log" 2>&1 \
  || { cat "$scratch/install.log"; fail "dotnet tool install failed"; }
nnb="$scratch/tools/nnb"
[ -x "$nnb" ] || fail "no nnb command in the tool path"

mkdir -p "$scratch/work"
cp "$repo/notebooks/Q04-why-softmax-sums-to-one.ipynb" "$scratch/work/"
(cd "$scratch/work" && "$nnb" run Q04-why-softmax-sums-to-one.ipynb --junit junit.xml) >"$scratch/run.log" 2>&1 \
  || { cat "$scratch/run.log"; fail "the installed nnb failed to run a curriculum notebook"; }
grep -q '✔' "$scratch/work/executed/Q04-why-softmax-sums-to-one.ipynb" || fail "the executed copy shows no passed claim"
/usr/bin/python3 - "$scratch/work/executed/Q04-why-softmax-sums-to-one.ipynb" "$version" <<'PY' || fail "the executed copy's run record is wrong"
import json, sys
record = json.load(open(sys.argv[1]))["metadata"]["nnb"]
assert record["status"] == "passed", record
assert record["version"].startswith(sys.argv[2]), record
PY

# The kernel the installed tool registers starts the installed tool.
"$nnb" install --prefix "$scratch/jupyter" --name nnb-tool-check >/dev/null
argv0=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["argv"][0])' "$scratch/jupyter/share/jupyter/kernels/nnb-tool-check/kernel.json")
[ "$argv0" = "$nnb" ] || fail "kernel.json starts $argv0, not the installed tool $nnb"
if command -v jupyter >/dev/null; then
  /usr/bin/python3 - "$scratch/work/kernel.ipynb" <<'PY'
import nbformat, sys
nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_code_cell('#r "nuget: NotebookNN"\nusing NotebookNN;\nConsole.WriteLine("kernel ok");'), nbformat.v4.new_code_cell("1 + 1")]
nbformat.write(nb, sys.argv[1])
PY
  (cd "$scratch/work" && JUPYTER_PATH="$scratch/jupyter/share/jupyter" jupyter nbconvert --to notebook --execute \
     --ExecutePreprocessor.kernel_name=nnb-tool-check --ExecutePreprocessor.timeout=300 --output kernel-out kernel.ipynb) \
     >"$scratch/nbconvert.log" 2>&1 || { cat "$scratch/nbconvert.log"; fail "nbconvert through the installed tool's kernel failed"; }
  grep -q 'kernel ok' "$scratch/work/kernel-out.ipynb" || fail "the kernel did not run the notebook"
fi
echo "tool package check: NotebookNN.Tool $version installed from $packages ran a curriculum notebook and served a kernel from $scratch/tools"
