#!/usr/bin/env bash
# The extension's views, executed by nnb, converted to HTML by Debian's nbconvert and rendered by headless
# Chromium with every host unreachable: each chart must draw (an SVG per chart) and a screenshot is kept
# for a person to look at. Usage: check_offline_render.sh OUT_DIR (needs a Release build of nnb).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$repo/artifacts/render}
mkdir -p "$out"
out=$(cd "$out" && pwd)   # Chromium needs an absolute file:// URL
nb="$repo/tests/NotebookNN.Interactive.Tests/notebooks/extension-views.ipynb"
nnb="$repo/src/NotebookNN.Kernel/bin/Release/net10.0/nnb.dll"
[ -f "$nnb" ] || { echo "render check: build nnb first (dotnet build src/NotebookNN.Kernel -c Release)" >&2; exit 2; }

dotnet "$nnb" run "$nb" --output-dir "$out" >"$out/nnb-run.log" 2>&1 || { cat "$out/nnb-run.log"; exit 1; }
/usr/bin/python3 -m nbconvert --to html --output-dir "$out" "$out/extension-views.ipynb" >"$out/nbconvert.log" 2>&1 \
  || { cat "$out/nbconvert.log"; exit 1; }
html="$out/extension-views.html"

# Every host unreachable: names resolve nowhere and any proxyable request goes to a closed port.
chrome_flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE localhost"
  --proxy-server=127.0.0.1:9 --user-data-dir="$(mktemp -d)" --virtual-time-budget=20000 --window-size=1280,4000)
chromium "${chrome_flags[@]}" --dump-dom "file://$html" >"$out/rendered-dom.html" 2>"$out/chromium.log"
chromium "${chrome_flags[@]}" --screenshot="$out/extension-views.png" "file://$html" >>"$out/chromium.log" 2>&1

# One chart per output that carries Plotly's JSON MIME type; Plotly draws at least one main SVG per chart.
charts=$(/usr/bin/python3 -c 'import json,sys; nb=json.load(open(sys.argv[1])); print(sum("application/vnd.plotly.v1+json" in o.get("data",{}) for c in nb["cells"] for o in c.get("outputs",[])))' "$out/extension-views.ipynb")
svgs=$(grep -c 'class="main-svg"' <(grep -o 'class="main-svg"' "$out/rendered-dom.html") || true)
echo "render check: $charts chart(s) in the page, $svgs main SVG(s) drawn offline; screenshot $out/extension-views.png"
[ "$charts" -gt 0 ] || { echo "render check: no chart found in $html" >&2; exit 1; }
[ "$svgs" -ge "$charts" ] || { echo "render check: charts did not draw offline" >&2; exit 1; }
[ -s "$out/extension-views.png" ] || { echo "render check: no screenshot" >&2; exit 1; }
