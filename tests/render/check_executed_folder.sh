#!/usr/bin/env bash
# What `nnb run --output-dir EXECUTED --html SITE` wrote, checked as a reader offline would see it: the folder's and
# the site's sizes (within the curriculum's budget: executed copies 15 MB, site 10 MB, plotly.js included), one
# plotly.js loader per executed copy with charts, and every chart drawn by headless Chromium with every host
# unreachable in nbconvert's HTML of each executed copy (converted beside the folder's shared plotly.js) and in each
# site page. Usage: check_executed_folder.sh EXECUTED_DIR SITE_DIR [OUT_DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: $0 EXECUTED_DIR SITE_DIR [OUT_DIR]" >&2; exit 2; }
executed=$(cd "$1" && pwd)
site=$(cd "$2" && pwd)
out=${3:-$(mktemp -d)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
. "$repo/tests/render/offline_chromium.sh"
library=plotly-2.28.0.min.js
max_executed=$((15 * 1000 * 1000)) max_site=$((10 * 1000 * 1000))

failed=0
fail() { echo "executed folder check: $*" >&2; failed=1; }
size() { du -sb "$1" | cut -f1; }
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1e6 }'; }
executed_size=$(size "$executed") site_size=$(size "$site")
echo "executed folder check: $executed holds $(mb "$executed_size") ($(find "$executed" -name '*.ipynb' | wc -l) notebooks), $site $(mb "$site_size")"
[ "$executed_size" -le "$max_executed" ] || fail "$executed holds $(mb "$executed_size"), more than $(mb $max_executed)"
[ "$site_size" -le "$max_site" ] || fail "$site holds $(mb "$site_size"), more than $(mb $max_site)"

total=0 drawn_copies=0 drawn_pages=0
while IFS= read -r notebook; do
  charts=$(notebook_charts "$notebook")
  [ "$charts" -gt 0 ] || continue
  name=$(basename "$notebook" .ipynb)
  folder=$(dirname "$notebook")
  total=$((total + charts))
  loaders=$(count 'data-nnb-plotly-loader' "$notebook")
  [ "$loaders" -eq 1 ] || fail "$notebook carries $loaders plotly.js loaders, expected 1"
  [ -f "$folder/$library" ] || fail "$folder lacks $library beside $name.ipynb"
  # nbconvert's page beside a copy of the shared file, so the executed folder stays as nnb wrote it.
  mkdir -p "$out/copies"
  cp "$folder/$library" "$out/copies/$library" 2>/dev/null || true
  /usr/bin/python3 -m nbconvert --to html --output-dir "$out/copies" "$notebook" >>"$out/nbconvert.log" 2>&1 || fail "nbconvert failed on $notebook"
  chromium "${chrome_flags[@]}" --dump-dom "file://$out/copies/$name.html" >"$out/copies/$name-dom.html" 2>>"$out/chromium.log"
  drawn=$(drawn_charts "$out/copies/$name-dom.html")
  drawn_copies=$((drawn_copies + drawn))
  [ "$drawn" -eq "$charts" ] || fail "nbconvert's HTML of $name.ipynb: $drawn of $charts chart(s) drawn offline"
  page="$site/$name.html"
  if [ -f "$page" ]; then
    chromium "${chrome_flags[@]}" --dump-dom "file://$page" >"$out/$name-site-dom.html" 2>>"$out/chromium.log"
    drawn=$(drawn_charts "$out/$name-site-dom.html")
    drawn_pages=$((drawn_pages + drawn))
    [ "$drawn" -eq "$charts" ] || fail "site page $name.html: $drawn of $charts chart(s) drawn offline"
  else
    fail "the site has no page $name.html"
  fi
  echo "executed folder check: $name: $charts chart(s)"
done < <(find "$executed" -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' | sort)
echo "executed folder check: nbconvert's HTML of the executed copies drew $drawn_copies of $total charts offline, the site's pages $drawn_pages of $total"
[ "$total" -gt 0 ] || fail "no executed copy under $executed has a chart"
exit $failed
