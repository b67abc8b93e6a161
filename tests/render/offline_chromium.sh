# Sourced by the render checks: headless Chromium with every host unreachable (names resolve nowhere and any
# proxyable request goes to a closed port), and a count of drawn charts.
chrome_flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE localhost"
  --proxy-server=127.0.0.1:9 --user-data-dir="$(mktemp -d)" --virtual-time-budget=20000 --window-size=1280,4000
  --allow-file-access-from-files)

count() { grep -o "$1" "$2" | wc -l || true; }  # occurrences of pattern $1 in file $2 (0 is no failure)

# Chart outputs of an executed notebook: one per output that carries Plotly's JSON MIME type.
notebook_charts() {
  /usr/bin/python3 -c 'import json,sys; nb=json.load(open(sys.argv[1])); print(sum("application/vnd.plotly.v1+json" in o.get("data",{}) for c in nb["cells"] for o in c.get("outputs",[])))' "$1"
}

# The charts Plotly drew (it marks a drawn chart's div js-plotly-plot) in a DOM dumped by Chromium.
drawn_charts() { count 'class="[^"]*js-plotly-plot' "$1"; }
