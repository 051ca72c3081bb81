#!/usr/bin/env bash
# Sets up the real Docker test bed, idempotently, on a Debian machine as root:
#   1. installs Debian's docker.io, debootstrap and docker-compose when they are missing;
#   2. starts dockerd without bridge networking when the socket does not answer;
#   3. builds the base image odoo-dev-test/base:bookworm-<hash of its package list> with
#      debootstrap when missing (a changed package list makes a new tag, never a changed image);
#   4. builds the Odoo stand-in image odoo-dev-test/standin:latest from
#      test/fixtures/standin/ when that context changed (content hash kept as a label).
# Everything already in place costs well under a second.
#
# Environment: ODOO_DEV_WORK (work dir, default /tmp/odoo-dev-test; holds dockerd.log,
# dockerd.pid, setup.lock), ODOO_DEV_DEBIAN_MIRROR (overrides the mirror read from apt's
# sources), ODOO_DEV_STANDIN_IMAGE (the stand-in's tag, default odoo-dev-test/standin:latest;
# the tests read it too). test/setup/docker-bed-stop.sh undoes step 2 and removes test containers.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=${ODOO_DEV_WORK:-/tmp/odoo-dev-test}
SOCK=/var/run/docker.sock
SUITE=bookworm
# What the base adds to minbase: python3 (every Odoo container has it) and Debian's debugpy
# (for Restart and Debug), installed with apt in the new root (debootstrap's own --include
# cannot configure debugpy's dependencies). No procps on purpose: Odoo containers need not
# have ps, and the product must not depend on it.
BASE_PACKAGES="python3 python3-debugpy"
BASE_IMAGE=odoo-dev-test/base:$SUITE-$(printf '%s' "$BASE_PACKAGES" | sha256sum | cut -c1-8)
STANDIN_IMAGE=${ODOO_DEV_STANDIN_IMAGE:-odoo-dev-test/standin:latest}
CONTEXT=$ROOT/test/fixtures/standin
HASH_LABEL=odoo-dev-test.context-hash

say() { printf 'docker-bed: %s\n' "$*"; }
die() { printf 'docker-bed: error: %s\n' "$*" >&2; exit 1; }

# Only what is missing needs root: a user of the docker group gets the fast path.
need_root() { [ "$(id -u)" = 0 ] || die "must run as root to $* (or have it done once as root)"; }
command -v node >/dev/null || die "node is required"
mkdir -p "$WORK" 2>/dev/null || true
# Several test runs may start at once: one set-up at a time, the others wait and then
# find everything in place.
if { exec 9>>"$WORK/setup.lock"; } 2>/dev/null; then flock 9; fi

# Talks to the Docker API over the socket with Node's own http module, so that the set-up
# depends neither on a Docker CLI version nor on node_modules.
api() {
  node -e '
const http = require("http");
const [, cmd, ...args] = process.argv;
function call(method, path, body, onData) {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: "/var/run/docker.sock", method, path,
      headers: body ? { "Content-Type": "application/x-tar" } : {} }, (res) => {
      const chunks = [];
      res.on("data", (c) => { chunks.push(c); if (onData) onData(c); });
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(600000, () => req.destroy(new Error("Docker API timeout")));
    if (body) body.pipe(req); else req.end();
  });
}
// Streams of JSON messages (import, build): report the first error.
function streamError(text) {
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    try { const m = JSON.parse(line); if (m.error) return m.error; } catch { /* partial line */ }
  }
  return undefined;
}
(async () => {
  if (cmd === "ping") {
    const r = await call("GET", "/_ping");
    process.exit(r.status === 200 ? 0 : 1);
  } else if (cmd === "label") {
    // Prints the label value of an image, "-" when the image exists without it; exit 1 when missing.
    const r = await call("GET", `/images/${args[0]}/json`);
    if (r.status !== 200) process.exit(1);
    const labels = (JSON.parse(r.body).Config || {}).Labels || {};
    console.log(labels[args[1]] ?? "-");
  } else if (cmd === "id") {
    const r = await call("GET", `/images/${args[0]}/json`);
    if (r.status !== 200) process.exit(1);
    console.log(JSON.parse(r.body).Id);
  } else if (cmd === "import") {
    const [repo, tag] = args[0].split(":");
    const r = await call("POST", `/images/create?fromSrc=-&repo=${encodeURIComponent(repo)}&tag=${tag}`, process.stdin);
    const err = r.status !== 200 ? r.body : streamError(r.body);
    if (err) { console.error(err); process.exit(1); }
  } else if (cmd === "build") {
    const [tagName, labelKey, labelValue, baseImage] = args;
    const q = new URLSearchParams({ t: tagName, rm: "1", forcerm: "1", networkmode: "none",
      labels: JSON.stringify({ [labelKey]: labelValue }),
      buildargs: JSON.stringify({ BASE_IMAGE: baseImage }) });
    let out = "";
    const r = await call("POST", `/build?${q}`, process.stdin, (c) => { out += c; });
    const err = r.status !== 200 ? r.body : streamError(r.body);
    if (err) {
      for (const line of out.split(/\r?\n/)) { try { const m = JSON.parse(line); if (m.stream) process.stderr.write(m.stream); } catch { /* ignore */ } }
      console.error(err); process.exit(1);
    }
  } else if (cmd === "prune") {
    // Untagged images that carry the label: earlier builds. Those still used by a
    // container stay (the API refuses).
    const filters = encodeURIComponent(JSON.stringify({ dangling: ["true"], label: [args[0]] }));
    const r = await call("GET", `/images/json?filters=${filters}`);
    for (const image of r.status === 200 ? JSON.parse(r.body) : []) {
      await call("DELETE", `/images/${image.Id}`);
    }
  } else {
    console.error(`unknown api command ${cmd}`); process.exit(2);
  }
})().catch((e) => { console.error(String(e && e.message || e)); process.exit(1); });
' "$@"
}

ping_docker() { [ -S "$SOCK" ] && api ping 2>/dev/null; }

# True while the process exists and is not a zombie (a child that died is one until reaped,
# and kill -0 still succeeds on it).
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# --- 1. packages -----------------------------------------------------------------------
apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get update -qq
    apt_updated=1
  fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes \
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
# debootstrap downloads with wget; docker top runs ps on the host.
command -v wget >/dev/null || missing+=(wget)
command -v ps >/dev/null || missing+=(procps)
# Compose projects in the tests are run with Debian's Compose 1.
command -v docker-compose >/dev/null || missing+=(docker-compose)
if [ ${#missing[@]} -gt 0 ]; then
  need_root "install ${missing[*]}"
  apt_install "${missing[@]}"
fi

# --- 2. dockerd ------------------------------------------------------------------------
if ! ping_docker; then
  need_root "start dockerd (or use the $SOCK it has)"
  log=$WORK/dockerd.log
  say "starting dockerd (log: $log)"
  # setsid: a Ctrl-C in the terminal that ran the tests must not reach dockerd. It must not
  # inherit any descriptor but 0-2 either: not our set-up lock (held forever otherwise), nor
  # a pipe of whatever runs the tests (which would wait for it forever). dockerd writes its
  # pid to our pidfile itself and removes it when it exits; the stop script stops only a
  # dockerd whose pid is in that file.
  (
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec setsid dockerd --bridge=none --iptables=false --ip6tables=false \
      --pidfile "$WORK/dockerd.pid" >"$log" 2>&1 </dev/null
  ) &
  started=$!
  deadline=$((SECONDS + 30))
  until ping_docker; do
    if ! running "$started"; then
      tail -n 20 "$log" >&2 || true
      die "dockerd exited while starting (see $log)"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 20 "$log" >&2 || true
      die "dockerd did not answer on $SOCK within 30 s (see $log)"
    fi
    sleep 0.1
  done
  say "dockerd is up (pid $started)"
fi

# --- 3. base image ---------------------------------------------------------------------
# The Debian mirror apt already uses: deb822 stanzas (*.sources) and one-line entries
# (*.list), preferring an entry for our suite.
debian_mirror() {
  local f
  shopt -s nullglob
  for pass in exact any; do
    for f in /etc/apt/sources.list.d/*.sources; do
      awk -v want="$SUITE" -v pass="$pass" '
        BEGIN { RS = ""; FS = "\n" }
        {
          uris = ""; suites = ""; types = ""; enabled = 1
          for (i = 1; i <= NF; i++) {
            line = $i
            if (line ~ /^#/) continue
            if (match(line, /^URIs:[ \t]*/)) uris = substr(line, RLENGTH + 1)
            else if (match(line, /^Suites:[ \t]*/)) suites = substr(line, RLENGTH + 1)
            else if (match(line, /^Types:[ \t]*/)) types = substr(line, RLENGTH + 1)
            else if (match(line, /^Enabled:[ \t]*/)) enabled = (substr(line, RLENGTH + 1) !~ /^[Nn]o/)
          }
          if (!enabled || (" " types " ") !~ / deb /) next
          split(uris, u, /[ \t]+/)
          if (u[1] !~ /^https?:\/\//) next
          if (pass == "exact" && (" " suites " ") !~ (" " want " ")) next
          if (pass == "any" && (u[1] ~ /security/ || suites ~ /security/)) next
          print u[1]; exit
        }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -f "$f" ] || continue
      awk -v want="$SUITE" -v pass="$pass" '
        $1 == "deb" {
          i = 2
          if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
          if ($i !~ /^https?:\/\//) next
          if (pass == "exact" && $(i + 1) != want) next
          if (pass == "any" && ($i ~ /security/ || $(i + 1) ~ /security/)) next
          print $i; exit
        }' "$f"
    done
  done | head -n 1 || true
}

if ! api id "$BASE_IMAGE" >/dev/null 2>&1; then
  need_root "debootstrap the base image"
  mirror=${ODOO_DEV_DEBIAN_MIRROR:-$(debian_mirror)}
  [ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list.d/ (set ODOO_DEV_DEBIAN_MIRROR)"
  rootfs=$(mktemp -d "$WORK/rootfs.XXXXXX")
  trap 'rm -rf "$rootfs"' EXIT
  say "building $BASE_IMAGE with debootstrap from $mirror (about a minute)"
  if ! debootstrap --variant=minbase --include=python3 "$SUITE" "$rootfs" "$mirror" \
      >"$WORK/debootstrap.log" 2>&1; then
    tail -n 20 "$WORK/debootstrap.log" >&2 || true
    die "debootstrap failed (see $WORK/debootstrap.log)"
  fi
  # shellcheck disable=SC2086 # the package list is words
  if ! { chroot "$rootfs" apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get install -y -qq --no-install-recommends $BASE_PACKAGES \
      && chroot "$rootfs" apt-get clean; } >>"$WORK/debootstrap.log" 2>&1; then
    tail -n 20 "$WORK/debootstrap.log" >&2 || true
    die "installing $BASE_PACKAGES in the base image failed (see $WORK/debootstrap.log)"
  fi
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  say "importing $BASE_IMAGE"
  tar --numeric-owner -C "$rootfs" -c . | api import "$BASE_IMAGE" \
    || die "importing $BASE_IMAGE failed (message above)"
  rm -rf "$rootfs"
  trap - EXIT
fi

# --- 4. stand-in image -----------------------------------------------------------------
[ -f "$CONTEXT/Dockerfile" ] || die "missing $CONTEXT/Dockerfile"
# Content and mode of every file of the context, plus the base image id.
context_hash=$(
  cd "$CONTEXT"
  {
    api id "$BASE_IMAGE"
    find . -type f -printf '%P %m\n' | LC_ALL=C sort
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-32
)
current=$(api label "$STANDIN_IMAGE" "$HASH_LABEL" 2>/dev/null || echo missing)
if [ "$current" != "$context_hash" ]; then
  say "building $STANDIN_IMAGE"
  tar --numeric-owner --owner=0 --group=0 -C "$CONTEXT" -c . \
    | api build "$STANDIN_IMAGE" "$HASH_LABEL" "$context_hash" "$BASE_IMAGE" \
    || die "building $STANDIN_IMAGE failed (output above)"
  api prune "$HASH_LABEL" >/dev/null 2>&1 || true
fi
say "ready: $STANDIN_IMAGE"
