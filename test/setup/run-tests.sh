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
npx mocha 'test/unit/**/*.test.ts' 'test/lsp/**/*.test.ts' 'test/docker/**/*.test.ts' 'test/e2e/**/*.test.ts'
