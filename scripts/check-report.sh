#!/usr/bin/env bash
# Check that the HTML report renders in a headless browser (Debian's chromium):
#   scripts/check-report.sh OUT_HTML [MIN_SVG]
# Dumps the DOM and takes a 1000 x 3000 screenshot (OUT_HTML without .html,
# plus .png), then checks: at least MIN_SVG (default 6) <svg> elements, the
# Table 2 table, the synthetic-data disclaimer, nothing fetched from outside
# (no script, no external src/href/url()), and a screenshot over 20 kB.
# Exits non-zero with a message on any failure; chromium's own stderr chatter
# (dbus, GPU) is shown only then. Bounded by timeout, about 2 minutes at most.
set -Eeuo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 OUT_HTML [MIN_SVG]" >&2
    exit 2
fi
html=$1 min_svg=${2:-6}
fail() { echo "check-report: FAIL: $*" >&2; exit 1; }
trap 'echo "check-report: FAIL: unexpected error at line $LINENO" >&2' ERR
[ -s "$html" ] || fail "$html is missing or empty"
html=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
png=${html%.html}.png
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || fail "no chromium on PATH (Debian: apt-get install -y chromium)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -f "$png"
flags=(--headless=new --disable-gpu --no-sandbox --no-first-run --no-default-browser-check
       --disable-extensions --disable-background-networking --disable-component-update --disable-sync
       --hide-scrollbars --mute-audio --user-data-dir="$work/profile" --crash-dumps-dir="$work"
       --virtual-time-budget=5000 --run-all-compositor-stages-before-draw)
url=${html//%/%25}; url=${url// /%20}; url=${url//#/%23}; url=file://${url//\?/%3F}
run() {  # run chromium once, bounded; stdout to $1, stderr to $2
    local out=$1 err=$2; shift 2
    local rc=0
    HOME=$work timeout -k 5 60 "$browser" "${flags[@]}" "$@" "$url" >"$out" 2>"$err" </dev/null || rc=$?
    return $rc
}
rc=0; run "$work/dom.html" "$work/dom.err" --dump-dom || rc=$?
if [ $rc -ne 0 ]; then
    tail -n 40 "$work/dom.err" >&2
    fail "chromium --dump-dom exited with status $rc$( [ $rc -eq 124 ] && echo ' (timed out after 25 s)')"
fi
rc=0; run "$work/shot.out" "$work/shot.err" --screenshot="$png" --window-size=1000,3000 || rc=$?
if [ $rc -ne 0 ]; then
    tail -n 40 "$work/shot.err" >&2
    fail "chromium --screenshot exited with status $rc$( [ $rc -eq 124 ] && echo ' (timed out after 25 s)')"
fi

dom=$work/dom.html
problems=()
svgs=$(grep -o '<svg' "$dom" | wc -l || true)
((svgs >= min_svg)) || problems+=("the rendered DOM has $svgs <svg> elements, expected at least $min_svg")
grep -q '<table[^>]*id="table2-data"' "$dom" || problems+=("the rendered DOM has no Table 2 (table#table2-data)")
grep -q 'Table 2' "$dom" || problems+=("the rendered DOM has no 'Table 2' heading")
grep -q '<table[^>]*id="table1-data"' "$dom" || problems+=("the rendered DOM has no Table 1 (table#table1-data)")
grep -q 'not official statistics' "$dom" || problems+=("the synthetic-data disclaimer is missing")
rows=$(grep -o '<tr' "$dom" | wc -l || true)
((rows >= 20)) || problems+=("only $rows table rows in the rendered DOM")
if grep -Eiq '<script|<link[^>]*stylesheet|<i?frame|@import|url\(' "$html"; then
    problems+=("the report is not self-contained (script, stylesheet link, frame, @import or url())")
fi
if grep -Eiq '(src|href)="(https?:)?//' "$html"; then
    problems+=("the report references an external resource (src/href to a URL)")
fi
if [ ! -s "$png" ]; then
    problems+=("no screenshot was written to $png")
else
    size=$(stat -c %s "$png")
    ((size > 20000)) || problems+=("the screenshot $png is only $size bytes (blank page?)")
fi
if ((${#problems[@]})); then
    echo "check-report: chromium's stderr:" >&2
    cat "$work/dom.err" "$work/shot.err" | tail -n 40 >&2
    for p in "${problems[@]}"; do echo "check-report: FAIL: $p" >&2; done
    exit 1
fi
echo "check-report: ok: $html renders: $svgs svg, $rows table rows, screenshot $png ($(stat -c %s "$png") bytes)"
