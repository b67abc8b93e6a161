#!/usr/bin/env bash
# The extension's views rendered offline by headless Chromium with every host unreachable, four ways:
#  1. executed by `nnb run --output-dir`, converted to HTML by Debian's nbconvert beside the executed copy (its first
#     chart output loads the output folder's one shared plotly-2.28.0.min.js: through require.js, which Debian's
#     nbconvert page loads, and without it, as the page of a pip-installed nbconvert is offline);
#  2. the `nnb run --html` site page (plotly.js from the site's one shared file);
#  3. executed live through the kernel by nbconvert --execute (the session's first chart brings plotly.js, packed);
#  4. executed by `nnb run --in-place` (no output folder: the copy carries plotly.js packed) and converted elsewhere.
# Each page must draw every chart (Plotly marks a drawn chart's div js-plotly-plot); each notebook must carry one
# plotly.js loader. The pages of way 1 moved away from the shared file must say in every chart that plotly.js was not
# found. Screenshots are kept for a person to look at. Usage: check_offline_render.sh OUT_DIR (needs a Release build).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$repo/artifacts/render}
mkdir -p "$out"
out=$(cd "$out" && pwd)   # Chromium needs an absolute file:// URL
nb="$repo/tests/NotebookNN.Interactive.Tests/notebooks/extension-views.ipynb"
nnb="$repo/src/NotebookNN.Kernel/bin/Release/net10.0/nnb.dll"
. "$repo/tests/render/offline_chromium.sh"
[ -f "$nnb" ] || { echo "render check: build nnb first (dotnet build src/NotebookNN.Kernel -c Release)" >&2; exit 2; }

dotnet "$nnb" run "$nb" --output-dir "$out" --html "$out/site" >"$out/nnb-run.log" 2>&1 || { cat "$out/nnb-run.log"; exit 1; }
/usr/bin/python3 -m nbconvert --to html --output-dir "$out" "$out/extension-views.ipynb" >"$out/nbconvert.log" 2>&1 \
  || { cat "$out/nbconvert.log"; exit 1; }

# The live session: the kernelspec in a private prefix, nbconvert drives the kernel and writes HTML.
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
# In place: a copy of the notebook in a folder of its own is replaced by its executed copy.
mkdir -p "$out/in-place"
cp "$nb" "$out/in-place/"
dotnet "$nnb" run "$out/in-place/extension-views.ipynb" --in-place >"$out/nnb-run-in-place.log" 2>&1 || { cat "$out/nnb-run-in-place.log"; exit 1; }
/usr/bin/python3 -m nbconvert --to html --output-dir "$out/in-place/html" "$out/in-place/extension-views.ipynb" >>"$out/nbconvert.log" 2>&1 \
  || { cat "$out/nbconvert.log"; exit 1; }
# Debian's nbconvert page loads require.js from /usr/share/javascript, so the copy's loader takes require.js's way; a
# pip-installed nbconvert names a CDN, unreachable offline, so the same page without require.js takes the plain way.
grep -q '<script src="[^"]*require[^"]*\.js"></script>' "$out/extension-views.html" \
  || { echo "render check: nbconvert's page no longer loads require.js; the loader's require.js way is untested" >&2; exit 1; }
sed 's|<script src="[^"]*require[^"]*\.js"></script>||' "$out/extension-views.html" >"$out/extension-views-no-requirejs.html"
# Both pages of the output folder's copy, away from the shared file.
mkdir -p "$out/alone"
cp "$out/extension-views.html" "$out/extension-views-no-requirejs.html" "$out/alone/"
dotnet "$nnb" install --prefix "$prefix" --name notebooknn-render >/dev/null
mkdir -p "$out/live"
JUPYTER_PATH="$prefix/share/jupyter" /usr/bin/python3 -m nbconvert --to html --execute \
  --ExecutePreprocessor.kernel_name=notebooknn-render --ExecutePreprocessor.timeout=600 \
  --output-dir "$out/live" "$nb" >"$out/nbconvert-live.log" 2>&1 || { cat "$out/nbconvert-live.log"; exit 1; }

charts=$(notebook_charts "$out/extension-views.ipynb")
[ "$charts" -gt 0 ] || { echo "render check: no chart output in $out/extension-views.ipynb" >&2; exit 1; }
shared="$out/plotly-2.28.0.min.js"
for copy in "$out/extension-views.ipynb" "$out/in-place/extension-views.ipynb"; do
  loaders=$(count 'data-nnb-plotly-loader' "$copy")
  [ "$loaders" -eq 1 ] || { echo "render check: $copy carries $loaders plotly.js loaders, expected 1" >&2; exit 1; }
done
# The output folder holds plotly.js once, as a file; its copy only loads it. The in-place copy carries it packed.
cmp -s "$shared" "$out/site/plotly-2.28.0.min.js" || { echo "render check: $out lacks the shared plotly.js of the site" >&2; exit 1; }
copy_size=$(stat -c %s "$out/extension-views.ipynb")
[ "$copy_size" -lt 500000 ] || { echo "render check: the executed copy is $copy_size bytes; plotly.js should stay in $shared" >&2; exit 1; }
grep -q "atob('" "$out/in-place/extension-views.ipynb" || { echo "render check: the in-place copy lacks the packed plotly.js" >&2; exit 1; }
[ ! -e "$out/in-place/plotly-2.28.0.min.js" ] || { echo "render check: --in-place wrote plotly.js beside the notebook" >&2; exit 1; }
echo "render check: executed copy $copy_size bytes + shared plotly.js $(stat -c %s "$shared") bytes; in place $(stat -c %s "$out/in-place/extension-views.ipynb") bytes"

failed=0
render() {  # name, html file: dumps the DOM, counts drawn charts, takes a screenshot
  local name=$1 html=$2
  chromium "${chrome_flags[@]}" --dump-dom "file://$html" >"$out/$name-dom.html" 2>>"$out/chromium.log"
  chromium "${chrome_flags[@]}" --screenshot="$out/$name.png" "file://$html" >>"$out/chromium.log" 2>&1
  local drawn size
  drawn=$(drawn_charts "$out/$name-dom.html")
  size=$(stat -c %s "$html")
  echo "render check: $name: $drawn of $charts chart(s) drawn offline (page $size bytes); screenshot $out/$name.png"
  [ "$drawn" -eq "$charts" ] || { echo "render check: $name: charts did not draw offline" >&2; failed=1; }
  [ -s "$out/$name.png" ] || { echo "render check: $name: no screenshot" >&2; failed=1; }
}
# The live session's first chart brought plotly.js; the others reused it.
live_loaders=$(count 'data-nnb-plotly-loader' "$out/live/extension-views.html")
[ "$live_loaders" -eq 1 ] || { echo "render check: the live session's page carries $live_loaders plotly.js loaders, expected 1" >&2; failed=1; }
render nbconvert "$out/extension-views.html"
render nbconvert-no-requirejs "$out/extension-views-no-requirejs.html"
render site "$out/site/extension-views.html"
render live "$out/live/extension-views.html"
render in-place "$out/in-place/html/extension-views.html"
[ -f "$out/site/plotly-2.28.0.min.js" ] || { echo "render check: the site lacks its shared plotly.js" >&2; failed=1; }

# Without the shared file every chart says so (PlotlyHtml.FileNotFoundMessage, the text of its div) instead of staying
# blank.
for page in extension-views extension-views-no-requirejs; do
  chromium "${chrome_flags[@]}" --dump-dom "file://$out/alone/$page.html" >"$out/alone-$page-dom.html" 2>>"$out/chromium.log"
  told=$(count '">plotly.js was not found beside this notebook' "$out/alone-$page-dom.html")
  drawn=$(drawn_charts "$out/alone-$page-dom.html")
  echo "render check: $page.html without the shared file: $told of $charts chart(s) say plotly.js was not found, $drawn drawn"
  [ "$told" -eq "$charts" ] && [ "$drawn" -eq 0 ] || { echo "render check: $page.html: the charts do not say that plotly.js is missing" >&2; failed=1; }
done
exit $failed
