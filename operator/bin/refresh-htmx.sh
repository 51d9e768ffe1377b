#!/usr/bin/env bash
# Refreshes the console's vendored htmx files from npm (never a CDN): the two packages are
# fetched with `npm pack`, their dist files and licenses copied into
# operator/src/main/resources/console/static/vendor, with a VERSIONS file naming what is there.
# Usage: operator/bin/refresh-htmx.sh [HTMX_VERSION] [SSE_EXT_VERSION]
set -euo pipefail
HTMX="${1:-2.0.11}"
SSE="${2:-2.2.4}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$HERE/src/main/resources/console/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "htmx.org@$HTMX" "htmx-ext-sse@$SSE" >/dev/null
mkdir htmx sse
tar xzf "htmx.org-$HTMX.tgz" -C htmx
tar xzf "htmx-ext-sse-$SSE.tgz" -C sse
mkdir -p "$OUT"
cp htmx/package/dist/htmx.min.js "$OUT/htmx.min.js"
cp htmx/package/LICENSE "$OUT/htmx.LICENSE"
cp sse/package/dist/sse.min.js "$OUT/htmx-ext-sse.min.js"
cp sse/package/LICENSE "$OUT/htmx-ext-sse.LICENSE"
printf 'htmx.org %s\nhtmx-ext-sse %s\n' "$HTMX" "$SSE" >"$OUT/VERSIONS"
echo "vendored htmx.org $HTMX and htmx-ext-sse $SSE into $OUT"
