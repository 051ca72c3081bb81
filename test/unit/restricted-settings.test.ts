import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { connectionSettings, isRestricted, restrictedSettings } from '../../src/vscode/restricted-settings';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));

describe('restrictedSettings', () => {
  it('is the list package.json declares for Restricted Mode', () => {
    const declared: string[] = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    assert.deepEqual([...restrictedSettings].sort(), [...declared].sort());
  });

  it('names settings that exist', () => {
    const properties = Object.keys(manifest.contributes.configuration.properties);
    for (const setting of restrictedSettings) {
      assert.ok(properties.includes(setting), `${setting} is not a setting of package.json`);
    }
  });

  it('tells restricted settings from the others', () => {
    assert.equal(isRestricted('odooDev.docker.host'), true);
    assert.equal(isRestricted('odooDev.restart.stopTimeout'), false);
    assert.equal(isRestricted('odooDev.argsFile'), false);
  });

  it('reconnects on a change of any restricted setting and of the restart settings', () => {
    for (const setting of restrictedSettings) {
      assert.ok(connectionSettings.includes(setting), setting);
    }
    assert.ok(connectionSettings.includes('odooDev.restart'));
    assert.ok(!connectionSettings.includes('odooDev.argsFile'), 'the args file is read when used; no reconnect');
  });
});
