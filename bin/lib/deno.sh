# shellcheck shell=bash disable=SC2034 # DENO_JAVA_OPTS is read by bin/devstack
# Sourced by bin/devstack (with ROOT set): makes Deno available to the stack's edge functions
# (/functions/v1). Sets DENO_JAVA_OPTS to the JVM option naming a project-local Deno, or leaves it
# empty when Deno is on the PATH or DEVSTACK_JAVA_OPTS already names one (-Ddevstack.deno=...).
# Without Deno the stack still runs; /functions/v1 then answers 503.
#
# The project-local Deno is the npm package `deno` (it carries the binary), installed once into
# .casare/deno (git-ignored), at the version the conformance suite pins in its package.json.

DENO_JAVA_OPTS=""
DENO_PACKAGE_JSON="devstack/src/test/js/package.json"
DENO_LOCAL_DIR=".casare/deno"

# The Deno binary under the project-local npm folder, or nothing.
local_deno() {
  local candidate
  for candidate in "$ROOT/$DENO_LOCAL_DIR"/node_modules/@deno/*/deno "$ROOT/$DENO_LOCAL_DIR/node_modules/.bin/deno"; do
    if [ -f "$candidate" ] && [ -x "$candidate" ]; then
      printf '%s' "$candidate"
      return 0
    fi
  done
}

ensure_deno() {
  local deno version
  case "${DEVSTACK_JAVA_OPTS:-}" in *-Ddevstack.deno=*) return 0 ;; esac
  if command -v deno >/dev/null 2>&1; then
    return 0
  fi
  deno="$(local_deno)"
  if [ -z "$deno" ]; then
    version="$(sed -n 's/.*"deno": *"\([^"]*\)".*/\1/p' "$ROOT/$DENO_PACKAGE_JSON" 2>/dev/null)"
    version="${version:-latest}"
    if ! command -v npm >/dev/null 2>&1; then
      echo "warning: Deno not found and npm is missing, so /functions/v1 will answer 503." >&2
      echo "  Fix: install Node.js with npm (then re-run), or Deno itself so that \`deno\` is on the PATH." >&2
      return 0
    fi
    echo "installing Deno $version for the edge functions into $DENO_LOCAL_DIR (once; about 42 MB from npm, under a minute) ..." >&2
    if ! npm install --prefix "$ROOT/$DENO_LOCAL_DIR" --no-audit --no-fund --no-update-notifier --loglevel=error "deno@$version" >&2; then
      echo "warning: installing Deno failed (npm's output above), so /functions/v1 will answer 503." >&2
      echo "  Fix: npm install --prefix $DENO_LOCAL_DIR deno@$version" >&2
      return 0
    fi
    deno="$(local_deno)"
    if [ -z "$deno" ]; then
      echo "warning: npm installed no Deno binary for this platform, so /functions/v1 will answer 503." >&2
      echo "  Fix: install Deno so that \`deno\` is on the PATH (https://docs.deno.com/runtime/)." >&2
      return 0
    fi
  fi
  DENO_JAVA_OPTS="-Ddevstack.deno=$deno"
}
