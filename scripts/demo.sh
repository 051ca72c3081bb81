#!/usr/bin/env bash
# `npm run demo`: installs what it needs, builds, starts a demo Odoo dev container, restarts
# Odoo in it with new args through odoo-dev and prints the status. The container stays up for
# you to try odoo-dev on; `docker rm -f odoo-dev-demo` removes it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
bash test/setup/docker-bed.sh
npm run --silent build
npx tsx scripts/demo.ts
