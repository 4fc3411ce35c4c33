#!/usr/bin/env bash
# Checks that the HTML report renders in a headless browser (Debian's
# chromium): the DOM after rendering has the charts and Table 2, and a
# screenshot is written (next to the report, .png).
#   report-check.sh REPORT_HTML [MIN_SVG]
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"
html=$(realpath "$1") min_svg=${2:-4}
png=${html%.html}.png
command -v chromium >/dev/null || { echo "report-check: chromium is not installed (scripts/ensure-deps.sh installs it)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# root needs --no-sandbox; a private profile keeps runs independent
flags=(--headless=new --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$tmp/profile")
timeout 90 chromium "${flags[@]}" --dump-dom "file://$html" >"$tmp/dom.html" 2>"$tmp/err.log" \
    || { echo "report-check: chromium failed to render $html" >&2; tail -5 "$tmp/err.log" >&2; exit 1; }
timeout 90 chromium "${flags[@]}" --window-size=1000,3600 --screenshot="$png" "file://$html" >/dev/null 2>>"$tmp/err.log" \
    || { echo "report-check: chromium failed to screenshot $html" >&2; tail -5 "$tmp/err.log" >&2; exit 1; }
svgs=$(grep -o '<svg' "$tmp/dom.html" | wc -l)
problems=()
((svgs >= min_svg)) || problems+=("$svgs charts rendered, expected at least $min_svg")
grep -q 'Table 2: influencing factors' "$tmp/dom.html" || problems+=("no Table 2")
grep -q 'Synthetic data' "$tmp/dom.html" || problems+=("no synthetic-data notice")
size=$(stat -c %s "$png" 2>/dev/null || echo 0)
((size > 20000)) || problems+=("screenshot $png is $size bytes (blank?)")
if ((${#problems[@]})); then
    printf 'report-check: %s\n' "${problems[@]}" >&2
    exit 1
fi
echo "report renders in chromium: $svgs charts, Table 2 present, screenshot $png ($size bytes)"
