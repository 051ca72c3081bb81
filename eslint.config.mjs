// Each layer's imports are fenced here, so that the boundaries cannot rot: dependencies point
// inward (wiring -> adapters -> engine -> core), only the Docker adapter touches dockerode, and
// the language server and the command line run without the editor. Tests may import anything.
import tseslint from 'typescript-eslint';

/** An import the layer must not make: a regular expression over the import's source text. */
const ban = (regex, message) => ({ regex, message });

const vscodeModule = '^vscode$';
const dockerModules = '^(dockerode|docker-modem)(/|$)';
const languageModules = '^vscode-language(server|client)';
const languageServer = '^vscode-languageserver(/|$)';
const languageClient = '^vscode-languageclient(/|$)';
/** A relative import of one of our folders, from a file one or more levels inside `src/<layer>`. */
const ours = (...folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;

const dockerOnly = 'Only src/docker imports dockerode and docker-modem: use the OdooContainer port, or openDocker from src/docker/docker-access.';

/** Per layer: the files, and what they must not import. */
const boundaries = [
  {
    files: ['src/core/**/*.ts'],
    bans: [
      ban(`${vscodeModule}|${dockerModules}|${languageModules}`, 'src/core is pure: it imports no editor, Docker or language-server module.'),
      // `../core/x` from inside src/core is itself; anything else above it is not.
      ban('^\\.\\.(/|$)(?!core(/|$))', 'src/core imports nothing of ours outside itself: move the rule into src/core, or the code that needs more out of it.'),
    ],
  },
  {
    files: ['src/engine/**/*.ts'],
    bans: [
      ban(`${vscodeModule}|${languageModules}`, 'src/engine runs the same under the editor and the command line: no vscode or language-server module.'),
      ban(dockerModules, `${dockerOnly} The engine sees containers through its OdooContainer port only.`),
      ban(ours('docker', 'vscode', 'server', 'cli'), 'src/engine does not import the adapters or front ends (src/docker, src/vscode, src/server, src/cli): they implement its ports and call it.'),
    ],
  },
  {
    files: ['src/server/**/*.ts'],
    bans: [
      ban(`${vscodeModule}|${languageClient}`, 'src/server runs in its own process and speaks LSP only: no vscode or language-client module.'),
      ban(dockerModules, `${dockerOnly} The language server never talks to Docker.`),
      ban(ours('docker', 'engine', 'vscode', 'cli'), 'src/server uses src/core only: not the engine, the Docker adapter, the extension or the command line.'),
    ],
  },
  {
    files: ['src/cli/**/*.ts'],
    bans: [
      ban(`${vscodeModule}|${languageClient}`, 'src/cli runs without the editor: no vscode or language-client module.'),
      ban(dockerModules, dockerOnly),
      ban(ours('vscode'), 'src/cli runs without the editor: it does not import src/vscode; shared rules live in src/core, Docker set-up in src/docker.'),
    ],
  },
  {
    files: ['src/vscode/**/*.ts'],
    bans: [
      ban(dockerModules, `${dockerOnly} The extension loads src/docker/docker-access lazily, so that activation does not load dockerode.`),
      ban(languageServer, 'src/vscode is the language client: the server\'s modules belong in src/server.'),
    ],
  },
  {
    files: ['src/docker/**/*.ts'],
    bans: [
      ban(`${vscodeModule}|${languageModules}`, 'src/docker is the Docker adapter, shared by the extension and the command line: no vscode or language-server module.'),
      ban(ours('vscode', 'server', 'cli'), 'src/docker does not import the extension, the language server or the command line: they call it.'),
    ],
  },
  {
    files: ['src/agent/**/*.ts'],
    bans: [
      ban(`${vscodeModule}|${dockerModules}|${languageModules}`, 'src/agent is the in-container agent and its loader: no editor, Docker or language-server module.'),
    ],
  },
  {
    files: ['src/extension.ts'],
    bans: [
      ban(dockerModules, `${dockerOnly} The extension loads it lazily, so that activation does not load dockerode.`),
      ban(languageServer, 'src/extension.ts wires the language client: the server\'s modules belong in src/server.'),
    ],
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vscode-test/**', 'test/e2e/.work/**'] },
  ...tseslint.configs.recommended,
  ...boundaries.map(({ files, bans }) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { patterns: bans }] },
  })),
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
);
