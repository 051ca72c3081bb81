// Bundles the extension-host tests (test/host) to dist-test/host/index.js, the
// `extensionTestsPath` of both runners. `vscode` comes from the extension host, mocha from
// node_modules.
import { build } from 'esbuild';

await build({
  entryPoints: { 'host/index': 'test/host/index.ts' },
  outdir: 'dist-test',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode', 'mocha'],
  sourcemap: true,
  logLevel: 'warning',
});
