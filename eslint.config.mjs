// The pure core must stay free of the editor, Docker and language-server libraries, and must
// not reach into the adapters: dependencies point inward.
import tseslint from 'typescript-eslint';

const adapterModules = ['vscode', 'dockerode', 'docker-modem', 'vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageclient', 'vscode-languageclient/*'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vscode-test/**', 'test/e2e/.work/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: adapterModules.filter((m) => !m.endsWith('*')).map((name) => ({ name, message: 'The core is pure: no editor, Docker or language-server imports.' })),
        patterns: [
          { group: ['vscode-languageserver/*', 'vscode-languageclient/*'], message: 'The core is pure: no language-server imports.' },
          { group: ['../*', '!../core/*'], message: 'The core imports nothing of ours outside itself.' },
        ],
      }],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['vscode', 'dockerode'].map((name) => ({ name, message: 'The engine speaks to Docker and the editor through its ports only.' })),
      }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
);
