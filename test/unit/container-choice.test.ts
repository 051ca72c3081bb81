import * as assert from 'node:assert/strict';
import { chooseContainer, type ContainerChoice, type ContainerHints, type ContainerSummary } from '../../src/core/container-choice';
import { OdooDevError, type OdooErrorCode } from '../../src/core/errors';

function container(name: string, id: string, labels: Record<string, string> = {}, state = 'running'): ContainerSummary {
  return { id, name, state, image: 'odoo:17', labels };
}

const folder = '/home/dev/project';
const devLabels = (dir = folder): Record<string, string> => ({ 'devcontainer.local_folder': dir, 'devcontainer.config_file': `${dir}/.devcontainer/devcontainer.json` });
const composeLabels = (service: string, dir = folder): Record<string, string> => ({
  'com.docker.compose.project': 'project',
  'com.docker.compose.service': service,
  'com.docker.compose.project.working_dir': dir,
});

const web = container('project-web-1', 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2', composeLabels('web'));
const db = container('project-db-1', 'a1b2ffff0000a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2', composeLabels('db'));
const other = container('other-odoo', 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00');
const stopped = container('old-odoo', 'dead00000000dead00000000dead00000000dead00000000dead00000000dead', {}, 'exited');
const devContainer = container('vsc-project-1234', 'de5c0000de5c0000de5c0000de5c0000de5c0000de5c0000de5c0000de5c0000', devLabels());
const hostFolder = '/Users/dev/remote-project';
const windowDevContainer = container('vsc-remote-9999', '99990000999900009999000099990000999900009999000099990000', devLabels(hostFolder));
const all = [web, db, other, stopped, devContainer, windowDevContainer];

const setting = (name: string): ContainerHints['explicit'] => ({ name, from: 'the odooDev.container setting' });
const devWindow = (hostPath: string): ContainerHints['window'] => ({ kind: 'dev-container', hostPath });
const attachedWindow = (name: string): ContainerHints['window'] => ({ kind: 'attached-container', container: name });

function throwsChoice(run: () => unknown, code: OdooErrorCode, ...fragments: string[]): OdooDevError {
  let thrown: OdooDevError | undefined;
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof OdooDevError, `expected an OdooDevError, got ${String(error)}`);
    assert.equal(error.code, code);
    for (const fragment of fragments) {
      assert.ok(error.message.includes(fragment), `${JSON.stringify(error.message)} should mention ${JSON.stringify(fragment)}`);
    }
    thrown = error;
    return true;
  });
  return thrown!;
}

describe('chooseContainer', () => {
  describe('each step, with its label', () => {
    // title, list, hints, the IDs running Odoo, the container chosen, the label
    const cases: Array<[string, readonly ContainerSummary[], ContainerHints, readonly string[], ContainerSummary, string]> = [
      ['1. a name in the setting', all, { explicit: setting('other-odoo') }, [], other, 'the odooDev.container setting'],
      ['1. the name with the leading slash Docker shows', all, { explicit: setting('/other-odoo') }, [], other, 'the odooDev.container setting'],
      ['1. a full ID', all, { explicit: setting(other.id) }, [], other, 'the odooDev.container setting'],
      ['1. an ID prefix', all, { explicit: setting('c0ffee') }, [], other, 'the odooDev.container setting'],
      ['1. a unique ID prefix among similar ones', all, { explicit: setting('a1b2c3') }, [], web, 'the odooDev.container setting'],
      ['1. a stopped container (the engine says it is not running)', all, { explicit: setting('old-odoo') }, [], stopped, 'the odooDev.container setting'],
      ['1. --container, labelled as such', all, { explicit: { name: 'other-odoo', from: '--container' } }, [], other, '--container'],
      ['1. the setting wins over every other hint', all,
        { explicit: setting('project-db-1'), selected: 'other-odoo', window: attachedWindow('other-odoo'), workspaceFolder: folder }, [web.id], db, 'the odooDev.container setting'],
      ['2. the selection for this workspace', all, { selected: 'other-odoo', window: devWindow(hostFolder), workspaceFolder: folder }, [web.id], other, 'the container selected for this workspace'],
      ['3. the container this window is attached to', all, { window: attachedWindow('project-db-1'), workspaceFolder: folder }, [web.id], db, 'the container this window is attached to'],
      ['3. the Dev Container of the window, before the local folder', all, { window: devWindow(hostFolder), workspaceFolder: folder }, [], windowDevContainer, `the Dev Container of this window (${hostFolder})`],
      ['4. the Dev Container of the folder', all, { workspaceFolder: folder }, [], devContainer, `the Dev Container of ${folder}`],
      ['4. the folder with a trailing slash', all, { workspaceFolder: `${folder}/` }, [], devContainer, `the Dev Container of ${folder}`],
      ['4. the label with a trailing slash', [container('vsc', 'f00d', devLabels(`${folder}/`))], { workspaceFolder: folder }, [], container('vsc', 'f00d', devLabels(`${folder}/`)), `the Dev Container of ${folder}`],
      ['4. a Dev Container wins over a compose service of the folder that runs Odoo', all, { workspaceFolder: folder }, [web.id], devContainer, `the Dev Container of ${folder}`],
      ['5. the compose service of the folder that runs Odoo', [web, db, other], { workspaceFolder: folder }, [web.id, other.id], web, `the compose service web of ${folder}`],
      ['5. the compose service of the Dev Container window\'s host folder', [container('w', 'f00d', composeLabels('odoo', hostFolder)), other], { window: devWindow(hostFolder) }, ['f00d', other.id],
        container('w', 'f00d', composeLabels('odoo', hostFolder)), `the compose service odoo of ${hostFolder}`],
      ['5. trailing slashes in the folder and the label', [container('w', 'f00d', composeLabels('web', `${folder}/`)), other], { workspaceFolder: `${folder}//` }, ['f00d', other.id],
        container('w', 'f00d', composeLabels('web', `${folder}/`)), `the compose service web of ${folder}`],
      ['6. the only running container with an Odoo process', all, {}, [other.id], other, 'the only running container with an Odoo process'],
      ['6. also from a folder of no container', all, { workspaceFolder: '/elsewhere' }, [other.id], other, 'the only running container with an Odoo process'],
      ['6. a compose service of the folder that runs no Odoo is not preferred', [web, db, other], { workspaceFolder: folder }, [other.id], other, 'the only running container with an Odoo process'],
      ['6. a stopped container that ran Odoo does not count', all, {}, [stopped.id, other.id], other, 'the only running container with an Odoo process'],
      ['6. nor does a stopped Dev Container of the folder', [container('vsc-old', 'f00d', devLabels(), 'exited'), other], { workspaceFolder: folder }, [other.id], other, 'the only running container with an Odoo process'],
    ];
    for (const [title, list, hints, odoo, expected, how] of cases) {
      it(title, () => {
        const choice = chooseContainer(list, hints, new Set(odoo));
        assert.deepEqual(choice, { container: expected, how });
      });
    }
  });

  describe('without knowing which containers run Odoo', () => {
    const decided: Array<[string, ContainerHints, ContainerSummary]> = [
      ['the setting', { explicit: setting('other-odoo') }, other],
      ['the selection', { selected: 'other-odoo' }, other],
      ['the attached window', { window: attachedWindow('other-odoo') }, other],
      ['the Dev Container of the window', { window: devWindow(hostFolder) }, windowDevContainer],
      ['the Dev Container of the folder', { workspaceFolder: folder }, devContainer],
    ];
    for (const [title, hints, expected] of decided) {
      it(`decides by ${title}`, () => {
        assert.equal(chooseContainer(all, hints)?.container, expected);
      });
    }

    const undecided: Array<[string, ContainerHints]> = [
      ['nothing to go by', {}],
      ['a folder of no Dev Container', { workspaceFolder: '/elsewhere' }],
      ['a folder with only compose services', { workspaceFolder: folder }],
      ['a selection that is gone', { selected: 'removed-container' }],
    ];
    for (const [title, hints] of undecided) {
      it(`asks for them given ${title}`, () => {
        assert.equal(chooseContainer([web, db, other], hints), undefined);
      });
    }
  });

  describe('a selection that is gone', () => {
    it('is dropped and the search goes on', () => {
      const choice: ContainerChoice = chooseContainer(all, { selected: 'removed-container', workspaceFolder: folder }, new Set());
      assert.deepEqual(choice, { container: devContainer, how: `the Dev Container of ${folder}`, droppedSelection: 'removed-container' });
    });

    it('is dropped also when the attached window decides', () => {
      assert.equal(chooseContainer(all, { selected: 'removed-container', window: attachedWindow('other-odoo') })?.droppedSelection, 'removed-container');
    });

    it('is dropped also when nothing is found, and the error says it was tried', () => {
      const error = throwsChoice(() => chooseContainer([web], { selected: 'removed-container' }, new Set()), 'container-not-found',
        'the container selected for this workspace, removed-container, is gone');
      assert.equal(error.details.droppedSelection, 'removed-container');
    });

    it('is kept when it still exists, stopped', () => {
      assert.deepEqual(chooseContainer(all, { selected: 'old-odoo' }), { container: stopped, how: 'the container selected for this workspace' });
    });
  });

  describe('refusals', () => {
    it('an explicit container that does not exist, listing the containers and naming where it came from', () => {
      throwsChoice(() => chooseContainer(all, { explicit: setting('odoo') }), 'container-not-found',
        'No container is named "odoo"', 'project-web-1, project-db-1, other-odoo, old-odoo, vsc-project-1234, vsc-remote-9999', 'check the odooDev.container setting');
      throwsChoice(() => chooseContainer(all, { explicit: { name: 'odoo', from: '$ODOO_DEV_CONTAINER' } }), 'container-not-found', 'check $ODOO_DEV_CONTAINER');
    });

    it('says when there are no containers at all', () => {
      throwsChoice(() => chooseContainer([], { explicit: setting('odoo') }), 'container-not-found', 'Existing containers: none');
    });

    it('an ambiguous ID prefix, naming the matches', () => {
      throwsChoice(() => chooseContainer(all, { explicit: setting('a1b2') }), 'container-ambiguous', '"a1b2"', '2 containers', 'project-web-1', 'project-db-1');
    });

    it('prefers a name over an ID prefix that is also a name', () => {
      const named = container('c0ffee', '1111111111111111111111111111111111111111111111111111111111111111');
      assert.equal(chooseContainer([other, named], { explicit: setting('c0ffee') })?.container, named);
    });

    it('an attached window whose container is gone', () => {
      throwsChoice(() => chooseContainer(all, { window: attachedWindow('gone-container'), workspaceFolder: folder }, new Set([web.id])), 'container-not-found',
        'attached to container "gone-container", which does not exist', 'odooDev.container');
    });

    it('says what it tried when no container runs Odoo', () => {
      throwsChoice(() => chooseContainer([web, db, other, stopped], { workspaceFolder: folder }, new Set()), 'container-not-found',
        `Could not tell which container runs Odoo: no running Dev Container is labelled devcontainer.local_folder=${folder}; `
          + `no compose service of ${folder} runs Odoo; no running container runs an Odoo process.`,
        'odooDev.container', '--container', 'running: project-web-1, project-db-1, other-odoo)');
    });

    it('names the host folder of a Dev Container window in what it tried', () => {
      throwsChoice(() => chooseContainer([web], { window: devWindow(hostFolder), workspaceFolder: folder }, new Set()), 'container-not-found',
        `devcontainer.local_folder=${hostFolder}`, `no compose service of ${hostFolder} runs Odoo`);
    });

    it('names no folder when it had none', () => {
      const error = throwsChoice(() => chooseContainer([], {}, new Set()), 'container-not-found', 'running: none');
      assert.match(error.message, /^Could not tell which container runs Odoo: no running container runs an Odoo process\./);
      assert.doesNotMatch(error.message, /Dev Container|compose/);
    });

    it('says so when two Dev Containers of the folder run', () => {
      const twin = container('vsc-project-5678', 'f00d', devLabels());
      throwsChoice(() => chooseContainer([devContainer, twin], { workspaceFolder: folder }, new Set()), 'container-not-found',
        `2 running Dev Containers are labelled devcontainer.local_folder=${folder} (vsc-project-1234, vsc-project-5678)`);
    });

    it('refuses to choose among several Odoo containers, naming them', () => {
      throwsChoice(() => chooseContainer(all, { workspaceFolder: '/elsewhere' }, new Set([other.id, devContainer.id])), 'container-ambiguous',
        '2 running containers run Odoo (other-odoo, vsc-project-1234)', '--container');
    });

    it('refuses to choose between two compose services of the folder that both run Odoo', () => {
      throwsChoice(() => chooseContainer([web, db], { workspaceFolder: folder }, new Set([web.id, db.id])), 'container-ambiguous',
        `2 compose services of ${folder} run Odoo (project-web-1, project-db-1)`, '2 running containers run Odoo (project-web-1, project-db-1)');
    });
  });
});
