// One esbuild call bundles the three front ends. The in-container agent is a Python file
// that ships next to the bundles and is read at run time.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');

await build({
  entryPoints: {
    extension: 'src/extension.ts',
    server: 'src/server/main.ts',
    cli: 'src/cli/main.ts',
  },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
});

mkdirSync('dist', { recursive: true });
copyFileSync('src/agent/agent.py', 'dist/agent.py');
