import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.join(__dirname, '../..');
const rule = 'no-restricted-imports';

/** The boundary messages ESLint reports for `code` placed at `file` (relative to the root). */
async function boundaryMessages(eslint: ESLint, file: string, code: string): Promise<Array<{ message: string; severity: number }>> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === rule).map(({ message, severity }) => ({ message, severity }));
}

describe('lint boundaries', function () {
  // Loading ESLint and the TypeScript parser takes a few seconds on a cold start.
  this.timeout(120_000);
  const eslint = new ESLint({ cwd: root });

  // the file, the import that crosses the boundary, what the message must say
  const crossings: Array<[string, string, string]> = [
    ['src/core/x.ts', "import * as vscode from 'vscode';", 'src/core is pure'],
    ['src/core/x.ts', "import type Dockerode from 'dockerode';", 'src/core is pure'],
    ['src/core/x.ts', "import { createConnection } from 'vscode-languageserver/node';", 'src/core is pure'],
    ['src/core/x.ts', "import { LanguageClient } from 'vscode-languageclient/node';", 'src/core is pure'],
    ['src/core/x.ts', "import type { OdooContainer } from '../engine/odoo-container';", 'src/core imports nothing of ours outside itself'],
    ['src/core/x.ts', "import { readSettings } from '../vscode/settings';", 'src/core imports nothing of ours outside itself'],
    ['src/engine/x.ts', "import * as vscode from 'vscode';", 'src/engine runs the same under the editor and the command line'],
    ['src/engine/x.ts', "import type Dockerode from 'dockerode';", 'Only src/docker imports dockerode'],
    ['src/engine/x.ts', "import { demuxStream } from 'docker-modem/lib/modem';", 'Only src/docker imports dockerode'],
    ['src/engine/x.ts', "import { openDocker } from '../docker/docker-access';", 'src/engine does not import the adapters'],
    ['src/engine/x.ts', "import { readSettings } from '../vscode/settings';", 'src/engine does not import the adapters'],
    ['src/server/x.ts', "import * as vscode from 'vscode';", 'src/server runs in its own process'],
    ['src/server/x.ts', "import { LanguageClient } from 'vscode-languageclient/node';", 'src/server runs in its own process'],
    ['src/server/x.ts', "import type Dockerode from 'dockerode';", 'Only src/docker imports dockerode'],
    ['src/server/x.ts', "import { openDocker } from '../docker/docker-access';", 'src/server uses src/core only'],
    ['src/server/x.ts', "import { OdooEngine } from '../engine/odoo-engine';", 'src/server uses src/core only'],
    ['src/server/x.ts', "import { readSettings } from '../vscode/settings';", 'src/server uses src/core only'],
    ['src/cli/x.ts', "import * as vscode from 'vscode';", 'src/cli runs without the editor'],
    ['src/cli/x.ts', "import type Dockerode from 'dockerode';", 'Only src/docker imports dockerode'],
    ['src/cli/x.ts', "import { readSettings } from '../vscode/settings';", 'src/cli runs without the editor: it does not import src/vscode'],
    ['src/vscode/x.ts', "import type Dockerode from 'dockerode';", 'The extension loads src/docker/docker-access lazily'],
    ['src/vscode/x.ts', "import { createConnection } from 'vscode-languageserver/node';", 'src/vscode is the language client'],
    ['src/docker/x.ts', "import * as vscode from 'vscode';", 'src/docker is the Docker adapter'],
    ['src/docker/x.ts', "import { readSettings } from '../vscode/settings';", 'src/docker does not import the extension'],
    ['src/agent/x.ts', "import type Dockerode from 'dockerode';", 'src/agent is the in-container agent'],
    ['src/extension.ts', "import type Dockerode from 'dockerode';", 'activation does not load dockerode'],
    ['src/extension.ts', "import { createConnection } from 'vscode-languageserver/node';", 'src/extension.ts wires the language client'],
  ];
  for (const [file, code, message] of crossings) {
    it(`${file}: ${code}`, async () => {
      const messages = await boundaryMessages(eslint, file, `${code}\n`);
      assert.equal(messages.length, 1, `one boundary error expected, got ${JSON.stringify(messages)}`);
      assert.ok(messages[0].message.includes(message), `${JSON.stringify(messages[0].message)} should say ${JSON.stringify(message)}`);
      assert.equal(messages[0].severity, 2, 'a crossing fails the lint');
    });
  }

  // Imports each layer may make: the fences must not catch these.
  const allowed: Array<[string, string]> = [
    ['src/core/x.ts', "import { OdooDevError } from './errors';\nimport { chooseContainer } from '../core/container-choice';\nimport { readFileSync } from 'node:fs';"],
    ['src/engine/x.ts', "import { OdooDevError } from '../core/errors';\nimport { agentSource } from '../agent/agent-source';"],
    ['src/docker/x.ts', "import type Dockerode from 'dockerode';\nimport type { TopProcess } from '../engine/odoo-container';"],
    ['src/server/x.ts', "import { createConnection } from 'vscode-languageserver/node';\nimport { TextDocument } from 'vscode-languageserver-textdocument';\nimport { optionCatalog } from '../core/option-catalog';"],
    ['src/cli/x.ts', "import { openDocker } from '../docker/docker-access';\nimport { OdooEngine } from '../engine/odoo-engine';"],
    ['src/vscode/x.ts', "import * as vscode from 'vscode';\nimport { LanguageClient } from 'vscode-languageclient/node';\nimport type { DockerAccess } from '../docker/docker-access';"],
    ['src/extension.ts', "import * as vscode from 'vscode';\nimport { OdooConnection } from './vscode/odoo-connection';"],
    ['test/unit/x.test.ts', "import type Dockerode from 'dockerode';\nimport * as vscode from 'vscode';\nimport { createConnection } from 'vscode-languageserver/node';"],
  ];
  for (const [file, code] of allowed) {
    it(`${file} may import what its layer needs`, async () => {
      assert.deepEqual(await boundaryMessages(eslint, file, `${code}\n`), []);
    });
  }

  it('holds for the real tree under src/', async () => {
    const results = await eslint.lintFiles(['src']);
    const crossings = results.flatMap((r) => r.messages.filter((m) => m.ruleId === rule).map((m) => `${path.relative(root, r.filePath)}:${m.line}: ${m.message}`));
    assert.ok(results.length > 20, `src/ should hold the sources, linted ${results.length} files`);
    assert.deepEqual(crossings, []);
  });
});
