import * as assert from 'node:assert/strict';
import { windowContainerOf, type WindowContainer } from '../../src/core/remote-authority';

const hex = (text: string): string => Buffer.from(text, 'utf8').toString('hex');

describe('windowContainerOf', () => {
  const devJson = JSON.stringify({
    hostPath: '/home/dev/project',
    configFile: { $mid: 1, fsPath: '/home/dev/project/.devcontainer/devcontainer.json', path: '/home/dev/project/.devcontainer/devcontainer.json', scheme: 'file' },
  });
  const cases: Array<[string, string | undefined, WindowContainer | undefined]> = [
    ['no authority (a local window)', undefined, undefined],
    ['an empty authority', '', undefined],
    ['an SSH window', 'ssh-remote+build-host', undefined],
    ['a WSL window', 'wsl+Ubuntu', undefined],
    ['a Codespace', `codespaces+${hex('fluffy-space')}`, undefined],
    ['a Dev Container with the JSON payload', `dev-container+${hex(devJson)}`,
      { kind: 'dev-container', hostPath: '/home/dev/project', configFile: '/home/dev/project/.devcontainer/devcontainer.json' }],
    ['a Dev Container with the path alone (older versions)', `dev-container+${hex('/home/dev/project')}`,
      { kind: 'dev-container', hostPath: '/home/dev/project' }],
    ['a Dev Container of a Windows folder', `dev-container+${hex(JSON.stringify({ hostPath: 'c:\\Users\\dev\\project' }))}`,
      { kind: 'dev-container', hostPath: 'c:\\Users\\dev\\project' }],
    ['a Dev Container whose configFile is a plain path', `dev-container+${hex(JSON.stringify({ hostPath: '/p', configFile: '/p/.devcontainer.json' }))}`,
      { kind: 'dev-container', hostPath: '/p', configFile: '/p/.devcontainer.json' }],
    ['a Dev Container over SSH', `dev-container+${hex(devJson)}@ssh-remote+build-host`,
      { kind: 'dev-container', hostPath: '/home/dev/project', configFile: '/home/dev/project/.devcontainer/devcontainer.json', via: 'ssh-remote+build-host' }],
    ['uppercase hex', `dev-container+${hex('/srv/odoo').toUpperCase()}`, { kind: 'dev-container', hostPath: '/srv/odoo' }],
    ['a Dev Container payload without hostPath', `dev-container+${hex(JSON.stringify({ configFile: '/p/.devcontainer.json' }))}`, undefined],
    ['a Dev Container payload that is a relative path', `dev-container+${hex('project')}`, undefined],
    ['an attached container with its name', `attached-container+${hex(JSON.stringify({ containerName: '/odoo-dev' }))}`,
      { kind: 'attached-container', container: 'odoo-dev' }],
    ['an attached container named without the slash', `attached-container+${hex(JSON.stringify({ containerName: 'project-web-1' }))}`,
      { kind: 'attached-container', container: 'project-web-1' }],
    ['an attached container by ID in JSON', `attached-container+${hex(JSON.stringify({ containerId: 'c0ffee00c0ffee00' }))}`,
      { kind: 'attached-container', container: 'c0ffee00c0ffee00' }],
    ['an attached container with the bare name (older versions)', `attached-container+${hex('odoo-dev')}`,
      { kind: 'attached-container', container: 'odoo-dev' }],
    ['an attached container in WSL', `attached-container+${hex(JSON.stringify({ containerName: '/odoo' }))}@wsl+Ubuntu`,
      { kind: 'attached-container', container: 'odoo', via: 'wsl+Ubuntu' }],
    ['an attached container whose name is not a Docker name', `attached-container+${hex(JSON.stringify({ containerName: 'rm -rf /' }))}`, undefined],
    ['an attached container with an empty name', `attached-container+${hex(JSON.stringify({ containerName: '' }))}`, undefined],
    ['an attached container with a non-string name', `attached-container+${hex(JSON.stringify({ containerName: 42 }))}`, undefined],
    ['odd-length hex', 'dev-container+2f7', undefined],
    ['not hex at all', 'dev-container+zz', undefined],
    ['nothing after the plus', 'dev-container+', undefined],
    ['hex of invalid UTF-8', 'dev-container+2fff', undefined],
    ['broken JSON falls back to nothing usable', `attached-container+${hex('{"containerName":')}`, undefined],
    ['a JSON array', `dev-container+${hex('["/home"]')}`, undefined],
    ['an unknown kind', `k8s-container+${hex('{"podname":"x"}')}`, undefined],
    ['an absurdly long authority', `dev-container+${'2f'.repeat(20_000)}`, undefined],
  ];
  for (const [title, authority, expected] of cases) {
    it(title, () => {
      assert.deepEqual(windowContainerOf(authority), expected);
    });
  }
});
