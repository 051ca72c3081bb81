// One esbuild call bundles the three front ends. The in-container agent is a Python file
// that ships next to the bundles and is read at run time.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

// dockerode's BuildKit sessions (gRPC, protobuf) serve image builds only, which we never do:
// leaving them out keeps the bundles small.
const withoutBuildKit = {
  name: 'without-buildkit',
  setup(build) {
    build.onResolve({ filter: /^\.\/(session|buildkit)$/ }, (args) =>
      /dockerode[\\/]lib/.test(args.importer) ? { path: args.path, namespace: 'without-buildkit' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'without-buildkit' }, () => ({
      contents: 'module.exports = function () { throw new Error("image builds are not supported here"); };',
      loader: 'js',
    }));
  },
};

// ssh2 serves ssh:// engines only, and loading it costs every start-up (it even signs with
// Ed25519 once to see what the crypto supports): our code gets a stand-in that loads it on
// first use. dockerode's own ssh transport is never used (ours is SshDockerAgent, one
// connection for all requests), so it is left out like BuildKit.
const ssh2OnFirstUse = {
  name: 'ssh2-on-first-use',
  setup(build) {
    build.onResolve({ filter: /^\.\/ssh$/ }, (args) =>
      /docker-modem[\\/]lib/.test(args.importer) ? { path: args.path, namespace: 'without-ssh-transport' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'without-ssh-transport' }, () => ({
      contents: 'module.exports = function () { throw new Error("dockerode\'s ssh transport is not used here"); };',
      loader: 'js',
    }));
    build.onResolve({ filter: /^ssh2$/ }, (args) =>
      args.namespace === 'ssh2-on-first-use' ? undefined : { path: 'ssh2', namespace: 'ssh2-on-first-use' });
    build.onLoad({ filter: /.*/, namespace: 'ssh2-on-first-use' }, () => ({
      contents: [
        'let ssh2;',
        'const load = () => (ssh2 ??= require("ssh2"));',
        'module.exports = { get Client() { return load().Client; }, get utils() { return load().utils; } };',
      ].join('\n'),
      loader: 'js',
      resolveDir: process.cwd(),
    }));
  },
};

await build({
  entryPoints: {
    extension: 'src/extension.ts',
    cli: 'src/cli/main.ts',
    server: 'src/server/main.ts',
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
  plugins: [withoutBuildKit, ssh2OnFirstUse],
  // jsonc-parser's UMD build requires its parts at run time, which a bundle cannot follow; its
  // ES module build bundles.
  mainFields: ['module', 'main'],
  metafile: true,
  define: { VERSION: JSON.stringify(version) },
  banner: { js: '#!/usr/bin/env node' },
});

mkdirSync('dist', { recursive: true });
copyFileSync('src/agent/agent.py', 'dist/agent.py');
copyFileSync('src/agent/debugpy_hook.py', 'dist/debugpy_hook.py');
copyFileSync('src/agent/warm.py', 'dist/warm.py');
