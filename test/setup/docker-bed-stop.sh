#!/usr/bin/env bash
# Undoes test/setup/docker-bed.sh as far as it is ours: removes every container labelled
# odoo-dev-test (any run), then stops dockerd only when our pidfile says that we started it, and
# waits for it to exit. Images stay (rebuilding the base takes a minute). Safe to run
# twice, and when Docker was never started.
set -euo pipefail

WORK=${ODOO_DEV_WORK:-/tmp/odoo-dev-test}
PIDFILE=$WORK/dockerd.pid

say() { printf 'docker-bed-stop: %s\n' "$*"; }

if [ -S /var/run/docker.sock ] && command -v node >/dev/null; then
  node -e '
const http = require("http");
function call(method, path) {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: "/var/run/docker.sock", method, path }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end();
  });
}
(async () => {
  const filters = encodeURIComponent(JSON.stringify({ label: ["odoo-dev-test"] }));
  const list = await call("GET", `/containers/json?all=1&filters=${filters}`);
  if (list.status !== 200) return;
  const containers = JSON.parse(list.body);
  await Promise.all(containers.map((c) => call("DELETE", `/containers/${c.Id}?force=1&v=1`)));
  if (containers.length) console.log(`docker-bed-stop: removed ${containers.length} test container(s)`);
})().catch(() => { /* dockerd not answering: nothing to remove */ });
'
fi

if [ -f "$PIDFILE" ]; then
  pid=$(cat "$PIDFILE" 2>/dev/null || true)
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = dockerd ]; then
    say "stopping dockerd (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 20))
    # Gone, or a zombie nobody reaped yet: either way it has exited.
    running() {
      local stat
      stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
      stat=${stat##*) }
      [ "${stat%% *}" != Z ]
    }
    while running; do
      if [ $SECONDS -ge $deadline ]; then
        say "dockerd did not stop within 20 s, killing it"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
  fi
  rm -f "$PIDFILE"
fi
