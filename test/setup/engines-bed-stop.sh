#!/usr/bin/env bash
# Undoes test/setup/engines-bed.sh: removes the containers labelled odoo-dev-test (any run) from the
# engines it started (Podman rootful and rootless, the TLS dockerd, the rootless dockerd), then
# stops those engines, the rootless Podman's pause process, sshd with its open sessions, and the
# ssh-agent, each by the pid recorded when it was started. Images, certificates, keys and the test users stay, so that
# the next set-up is quick. Safe to run twice, and when the set-up never ran.
set -euo pipefail

WORK=${ODOO_DEV_WORK:-/tmp/odoo-dev-test}
ENG=$WORK/engines

say() { printf 'engines-bed-stop: %s\n' "$*"; }

[ -d "$ENG" ] || exit 0
exec 9>>"$WORK/engines.lock"
flock 9

# True while the process exists and is not a zombie.
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# Stops the process whose pid is in $2 when its command name is $3: TERM, up to 20 s, then KILL.
# A pid that now belongs to another program is left alone.
stop_pid() {
  local what=$1 pid=$2 comm=$3 deadline
  [ -n "$pid" ] && running "$pid" || return 0
  [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = "$comm" ] || return 0
  say "stopping $what (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 20))
  while running "$pid"; do
    if [ $SECONDS -ge $deadline ]; then
      say "$what did not stop within 20 s, killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
}
stop_pidfile() {
  local what=$1 pidfile=$2 comm=$3
  [ -f "$pidfile" ] || return 0
  stop_pid "$what" "$(cat "$pidfile" 2>/dev/null || true)" "$comm"
  rm -f "$pidfile"
}

# Removes the test containers of the engine at the unix socket $1, when it answers.
remove_test_containers() {
  [ -S "$1" ] && command -v node >/dev/null || return 0
  node -e '
const http = require("http");
const socket = process.argv[1];
function call(method, path) {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: socket, method, path }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.setTimeout(60000, () => req.destroy(new Error("timeout")));
    req.end();
  });
}
(async () => {
  const filters = encodeURIComponent(JSON.stringify({ label: ["odoo-dev-test"] }));
  const list = await call("GET", `/containers/json?all=1&filters=${filters}`);
  if (list.status !== 200) return;
  const containers = JSON.parse(list.body);
  await Promise.all(containers.map((c) => call("DELETE", `/containers/${c.Id}?force=1&v=1`)));
  if (containers.length) console.log(`engines-bed-stop: removed ${containers.length} test container(s) from ${socket}`);
})().catch(() => { /* the engine does not answer: nothing to remove */ });
' "$1"
}

ROOTLESS_RUNTIME_DIR=
ROOTLESS_DOCKER_SOCK=
if [ -f "$ENG/engines.json" ]; then
  ROOTLESS_RUNTIME_DIR=$(node -e 'try { console.log(require(process.argv[1]).podmanRootless.runtimeDir) } catch { }' "$ENG/engines.json" 2>/dev/null || true)
  ROOTLESS_DOCKER_SOCK=$(node -e 'try { console.log(require(process.argv[1]).dockerRootless.socket) } catch { }' "$ENG/engines.json" 2>/dev/null || true)
fi

remove_test_containers "$ENG/podman.sock"
[ -z "$ROOTLESS_RUNTIME_DIR" ] || remove_test_containers "$ROOTLESS_RUNTIME_DIR/podman/podman.sock"
remove_test_containers "$ENG/dockerd-tls/docker.sock"
[ -z "$ROOTLESS_DOCKER_SOCK" ] || remove_test_containers "$ROOTLESS_DOCKER_SOCK"

stop_pidfile "podman (rootful)" "$ENG/podman.pid" podman
# Rootless Podman runs the service as a child in its user namespace; the process we started
# waits for it, but may end on TERM first and leave the child serving. Stop the child first.
if [ -f "$ENG/podman-rootless.pid" ]; then
  rootless_pid=$(cat "$ENG/podman-rootless.pid" 2>/dev/null || true)
  if [ -n "$rootless_pid" ] && running "$rootless_pid" && [ "$(cat "/proc/$rootless_pid/comm" 2>/dev/null || true)" = podman ]; then
    for pid in $(ps -o pid= --ppid "$rootless_pid" 2>/dev/null || true); do
      stop_pid "podman (rootless, in its user namespace)" "$pid" podman
    done
  fi
fi
stop_pidfile "podman (rootless)" "$ENG/podman-rootless.pid" podman
# Rootless Podman keeps a pause process that holds its user namespace; it records its pid.
if [ -n "$ROOTLESS_RUNTIME_DIR" ]; then
  stop_pidfile "the rootless Podman's pause process" "$ROOTLESS_RUNTIME_DIR/libpod/tmp/pause.pid" "podman pause"
fi
stop_pidfile "dockerd (TLS)" "$ENG/dockerd-tls.pid" dockerd
# rootlesskit, in front of the rootless dockerd: on TERM it stops dockerd, which stops containerd.
stop_pidfile "dockerd (rootless)" "$ENG/dockerd-rootless.pid" rootlesskit

# sshd: its sessions are its children; they would outlive the listener.
if [ -f "$ENG/sshd.pid" ]; then
  sshd_pid=$(cat "$ENG/sshd.pid" 2>/dev/null || true)
  if [ -n "$sshd_pid" ] && running "$sshd_pid" && [ "$(cat "/proc/$sshd_pid/comm" 2>/dev/null || true)" = sshd ]; then
    sessions=$(ps -o pid= --ppid "$sshd_pid" 2>/dev/null || true)
    stop_pid sshd "$sshd_pid" sshd
    for pid in $sessions; do
      stop_pid "an ssh session" "$pid" sshd
    done
  fi
  rm -f "$ENG/sshd.pid"
fi
stop_pidfile ssh-agent "$ENG/ssh-agent.pid" ssh-agent
rm -f "$ENG/ssh/agent.sock" "$ENG/podman.sock"
