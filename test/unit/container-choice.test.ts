import * as assert from 'node:assert/strict';
import { onlyOdooContainer, preferredContainer, type ContainerHints, type ContainerSummary } from '../../src/core/container-choice';
import { OdooDevError, type OdooErrorCode } from '../../src/core/errors';

function container(name: string, id: string, labels: Record<string, string> = {}, state = 'running'): ContainerSummary {
  return { id, name, state, image: 'odoo:17', labels };
}

const folder = '/home/dev/project';
const devLabels = { 'devcontainer.local_folder': folder, 'devcontainer.config_file': `${folder}/.devcontainer/devcontainer.json` };
const composeLabels = (service: string, dir = folder): Record<string, string> => ({
  'com.docker.compose.project': 'project',
  'com.docker.compose.service': service,
  'com.docker.compose.project.working_dir': dir,
});

const web = container('project-web-1', 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2', composeLabels('web'));
const db = container('project-db-1', 'a1b2ffff0000a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2', composeLabels('db'));
const other = container('other-odoo', 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00');
const stopped = container('old-odoo', 'dead00000000dead00000000dead00000000dead00000000dead00000000dead', {}, 'exited');
const devContainer = container('vsc-project-1234', 'de5c0000de5c0000de5c0000de5c0000de5c0000de5c0000de5c0000de5c0000', devLabels);

function throwsChoice(run: () => unknown, code: OdooErrorCode, ...fragments: string[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof OdooDevError, `expected an OdooDevError, got ${String(error)}`);
    assert.equal(error.code, code);
    for (const fragment of fragments) {
      assert.ok(error.message.includes(fragment), `${JSON.stringify(error.message)} should mention ${JSON.stringify(fragment)}`);
    }
    return true;
  });
}

describe('preferredContainer', () => {
  const list = [web, db, other, stopped, devContainer];
  const cases: Array<[string, ContainerHints, ContainerSummary | undefined]> = [
    ['nothing to go by', {}, undefined],
    ['an explicit name', { explicit: 'other-odoo' }, other],
    ['an explicit name with the leading slash Docker shows', { explicit: '/other-odoo' }, other],
    ['an explicit name wins over the Dev Container of the folder', { explicit: 'project-web-1', workspaceFolder: folder }, web],
    ['an explicit name of a stopped container (the caller says it is not running)', { explicit: 'old-odoo' }, stopped],
    ['an explicit full ID', { explicit: other.id }, other],
    ['an explicit ID prefix', { explicit: 'c0ffee' }, other],
    ['a unique ID prefix among similar ones', { explicit: 'a1b2c3' }, web],
    ['the Dev Container of the folder', { workspaceFolder: folder }, devContainer],
    ['the Dev Container, folder with a trailing slash', { workspaceFolder: `${folder}/` }, devContainer],
    ['a folder of no Dev Container', { workspaceFolder: '/elsewhere' }, undefined],
  ];
  for (const [title, hints, expected] of cases) {
    it(title, () => {
      assert.equal(preferredContainer(list, hints), expected);
    });
  }

  it('leaves a compose container of the folder to onlyOdooContainer', () => {
    assert.equal(preferredContainer([web, db, other], { workspaceFolder: folder }), undefined);
  });

  it('prefers a name over an ID prefix that is also a name', () => {
    const named = container('c0ffee', '1111111111111111111111111111111111111111111111111111111111111111');
    assert.equal(preferredContainer([other, named], { explicit: 'c0ffee' }), named);
  });

  it('tolerates a trailing slash in the label', () => {
    const labelled = container('vsc', 'f00d', { 'devcontainer.local_folder': `${folder}/` });
    assert.equal(preferredContainer([labelled], { workspaceFolder: folder }), labelled);
  });

  it('skips a stopped Dev Container of the folder', () => {
    const old = container('vsc-old', 'f00d', devLabels, 'exited');
    assert.equal(preferredContainer([old], { workspaceFolder: folder }), undefined);
    assert.equal(preferredContainer([old, devContainer], { workspaceFolder: folder }), devContainer);
  });

  it('leaves two running Dev Containers of one folder to the next rule', () => {
    const twin = container('vsc-project-5678', 'f00d', devLabels);
    assert.equal(preferredContainer([devContainer, twin], { workspaceFolder: folder }), undefined);
  });

  it('refuses an ambiguous ID prefix, naming the matches', () => {
    throwsChoice(() => preferredContainer(list, { explicit: 'a1b2' }), 'container-ambiguous', '"a1b2"', '2 containers', 'project-web-1', 'project-db-1');
  });

  it('refuses an explicit container that does not exist, listing the containers', () => {
    throwsChoice(() => preferredContainer(list, { explicit: 'odoo' }), 'container-not-found',
      '"odoo"', 'project-web-1, project-db-1, other-odoo, old-odoo, vsc-project-1234', 'odooDev.container', '--container');
  });

  it('says there are no containers at all', () => {
    throwsChoice(() => preferredContainer([], { explicit: 'odoo' }), 'container-not-found', 'Existing containers: none');
  });
});

describe('onlyOdooContainer', () => {
  const list = [web, db, other, stopped, devContainer];

  it('prefers the compose container of this folder among Odoo containers', () => {
    assert.equal(onlyOdooContainer(list, new Set([web.id, other.id]), { workspaceFolder: folder }), web);
  });

  it('tolerates trailing slashes in the folder and the label', () => {
    const slashed = container('project-web-1', 'f00d', composeLabels('web', `${folder}/`));
    assert.equal(onlyOdooContainer([slashed, other], new Set([slashed.id, other.id]), { workspaceFolder: `${folder}//` }), slashed);
  });

  it('takes the only running Odoo container', () => {
    assert.equal(onlyOdooContainer(list, new Set([other.id]), {}), other);
    assert.equal(onlyOdooContainer(list, new Set([other.id]), { workspaceFolder: '/elsewhere' }), other);
  });

  it('skips a stopped container that ran Odoo', () => {
    assert.equal(onlyOdooContainer(list, new Set([stopped.id, other.id]), {}), other);
  });

  it('does not prefer a compose container of this folder that runs no Odoo', () => {
    assert.equal(onlyOdooContainer(list, new Set([other.id]), { workspaceFolder: folder }), other);
  });

  it('says what it tried when no container runs Odoo', () => {
    throwsChoice(() => onlyOdooContainer(list, new Set(), { workspaceFolder: folder }), 'container-not-found',
      `no Dev Container labelled devcontainer.local_folder=${folder}`,
      `no single compose service of ${folder} running Odoo`,
      'no running container runs an Odoo process',
      'odooDev.container',
      'running: project-web-1, project-db-1, other-odoo, vsc-project-1234');
  });

  it('names no folder when it had none', () => {
    assert.throws(() => onlyOdooContainer([], new Set(), {}), (error: unknown) => {
      assert.ok(error instanceof OdooDevError);
      assert.equal(error.code, 'container-not-found');
      assert.match(error.message, /^Could not tell which container runs Odoo: no running container runs an Odoo process\./);
      assert.doesNotMatch(error.message, /Dev Container labelled/);
      assert.match(error.message, /running: none/);
      return true;
    });
  });

  it('refuses to choose among several Odoo containers, naming them', () => {
    throwsChoice(() => onlyOdooContainer(list, new Set([other.id, devContainer.id]), { workspaceFolder: '/elsewhere' }), 'container-ambiguous',
      '2 running containers run Odoo (other-odoo, vsc-project-1234)', '--container');
  });

  it('refuses to choose between two compose containers of the folder that both run Odoo', () => {
    throwsChoice(() => onlyOdooContainer(list, new Set([web.id, db.id]), { workspaceFolder: folder }), 'container-ambiguous',
      '2 running containers run Odoo (project-web-1, project-db-1)');
  });
});
