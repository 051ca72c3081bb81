#!/usr/bin/env bash
# The test command (`npm test`): installs what is missing, starts a real Docker engine when none
# runs, builds the test images offline, sets up the other engines (Podman rootful and rootless, a
# dockerd with TLS, sshd for ssh://, a rootless dockerd, all on loopback or unix sockets), then
# runs the type check, the lint, the unit tests and the integration tests, the other engines'
# suite included. What the set-up started is stopped again on the way out, also when the set-up
# itself fails half-way.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
# Each stop script undoes only what its set-up started, and is safe when that never ran; the
# exit status stays the run's.
stop_beds() {
  local status=$?
  bash test/setup/engines-bed-stop.sh || echo "run-tests: stopping the other engines failed (above)" >&2
  bash test/setup/docker-bed-stop.sh || echo "run-tests: stopping the Docker bed failed (above)" >&2
  exit "$status"
}
trap stop_beds EXIT
bash test/setup/docker-bed.sh
bash test/setup/engines-bed.sh
bash test/e2e/setup.sh

npm run --silent build
npx tsc --noEmit -p .
npx eslint src test
log=$(mktemp)
set +e
npx mocha 'test/unit/**/*.test.ts' 'test/lsp/**/*.test.ts' 'test/docker/**/*.test.ts' 'test/engines/**/*.test.ts' 'test/e2e/**/*.test.ts' 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain closing line with the counts, whatever reads this output.
passed=$(sed -nE 's/^ *([0-9]+) passing.*/\1/p' "$log" | tail -n 1)
failed=$(sed -nE 's/^ *([0-9]+) failing.*/\1/p' "$log" | tail -n 1)
rm -f "$log"
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
