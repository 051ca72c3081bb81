#!/usr/bin/env bash
# The test command (`npm test`): installs what is missing, starts a real Docker engine when none
# runs, builds the test images offline, then runs the type check, the lint, the unit tests and
# the integration tests. A Docker engine started here is stopped again on the way out.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
bash test/setup/docker-bed.sh
trap 'bash test/setup/docker-bed-stop.sh' EXIT
bash test/e2e/setup.sh

npm run --silent build
npx tsc --noEmit -p .
npx eslint src test
log=$(mktemp)
set +e
npx mocha 'test/unit/**/*.test.ts' 'test/lsp/**/*.test.ts' 'test/docker/**/*.test.ts' 'test/e2e/**/*.test.ts' 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain closing line with the counts, whatever reads this output.
passed=$(sed -nE 's/^ *([0-9]+) passing.*/\1/p' "$log" | tail -n 1)
failed=$(sed -nE 's/^ *([0-9]+) failing.*/\1/p' "$log" | tail -n 1)
rm -f "$log"
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
