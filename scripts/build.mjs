// One esbuild call bundles the three front ends. The in-container agent is a Python file
// that ships next to the bundles and is read at run time.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

await build({
  entryPoints: {
    extension: 'src/extension.ts',
    cli: 'src/cli/main.ts',
  },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // ssh2's optional native speed-ups load in a try; without them it uses plain JavaScript.
  external: ['vscode', '*.node'],
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  define: { VERSION: JSON.stringify(version) },
  banner: { js: '#!/usr/bin/env node' },
});

mkdirSync('dist', { recursive: true });
copyFileSync('src/agent/agent.py', 'dist/agent.py');
