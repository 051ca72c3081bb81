import * as assert from 'node:assert/strict';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseYaml } from 'yaml';
import { OdooDevError } from '../../src/core/errors';
import { keeperComposeFileName, keeperDockerfileName, planKeeperFiles, type FileEdit, type KeeperFilesPlan, type KeeperFilesRequest } from '../../src/core/keeper-file-plan';
import { KEEPER_NAME, KEEPER_SCRIPT, OLDER_KEEPER_SCRIPT, restartableKeeper, type ContainerCommandFacts } from '../../src/core/restartable-keeper';
import { composeKeeperFile } from '../../src/core/compose-service-keeper';

/** The Dev Containers CLI's wrapper, as 0.89 writes it for compose (with its leading blanks). */
const wrapperText = 'echo Container started\n trap "exit 0" 15\n \n exec "$@"\n while sleep 1 & wait $!; do :; done';
const wrapper = ['/bin/sh', '-c', wrapperText, '-'];
const official = restartableKeeper(['/entrypoint.sh'], ['odoo']);

const composeLabels = (dir: string, files: string, extra: Record<string, string> = {}): Record<string, string> => ({
  'com.docker.compose.project': dir.split('/').pop()!.replace(/[^a-z0-9_-]/g, ''),
  'com.docker.compose.project.working_dir': dir,
  'com.docker.compose.project.config_files': files,
  'com.docker.compose.service': 'odoo',
  'com.docker.compose.version': '1.29.2',
  ...extra,
});

function facts(over: Partial<ContainerCommandFacts>): ContainerCommandFacts {
  return { entrypoint: ['/entrypoint.sh'], cmd: ['odoo'], imageEntrypoint: ['/entrypoint.sh'], imageCmd: ['odoo'], image: 'odoo:18', labels: {}, ...over };
}

type Files = Record<string, string>;

async function plan(request: KeeperFilesRequest, files: Files): Promise<KeeperFilesPlan> {
  const reads: string[] = [];
  const result = await planKeeperFiles(request, async (path) => {
    reads.push(path);
    return files[path];
  });
  for (const edit of result.edits) {
    assert.equal(edit.before, files[edit.path], `the plan's "before" of ${edit.path} is the file as read`);
  }
  return result;
}

const editOf = (result: KeeperFilesPlan, path: string): FileEdit => {
  const edit = result.edits.find((e) => e.path === path);
  assert.ok(edit, `no edit of ${path}; edits: ${result.edits.map((e) => e.path).join(', ')}`);
  return edit;
};

/** Every comment of the original text is still in the new one, each on a line of its own or after a value as before. */
function assertCommentsKept(before: string, after: string): void {
  const comments = before.split('\n').map((line) => /(^|\s)(#|\/\/).*$/.exec(line)?.[0].trim()).filter((c): c is string => !!c);
  assert.ok(comments.length > 0, 'the fixture has comments');
  for (const comment of comments) {
    assert.ok(after.includes(comment), `comment lost: ${comment}\n--- after ---\n${after}`);
  }
}

/** The service's entrypoint and command as compose reads them (`$$` is `$`). */
function composeCommand(text: string, service: string): { entrypoint: string[]; command: string[] } {
  const doc = parseYaml(text) as { services: Record<string, { entrypoint: string[]; command: string[] }> };
  const unescape = (words: string[]) => words.map((w) => w.replace(/\$\$/g, '$'));
  const entry = doc.services[service];
  return { entrypoint: unescape(entry.entrypoint), command: unescape(entry.command) };
}

async function rejects(run: Promise<unknown>, ...fragments: string[]): Promise<void> {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof OdooDevError, String(error));
    assert.equal(error.code, 'invalid-args');
    for (const fragment of fragments) {
      assert.ok(error.message.includes(fragment), `"${fragment}" not in: ${error.message}`);
    }
    return true;
  });
}

const mainCompose = `# The project's compose file: its comments must survive.
services:
  db:
    image: postgres:16   # the database
  odoo:
    image: odoo:18
    depends_on: [db]
    # ports for the browser
    ports:
      - "8069:8069"
`;

describe('planKeeperFiles', () => {
  describe('a compose project', () => {
    const dir = '/home/dev/shop';
    const labels = composeLabels(dir, 'docker-compose.yml');

    it('creates docker-compose.override.yml beside the main file and leaves the main file alone', async () => {
      const result = await plan({ facts: facts({ labels }) }, { [`${dir}/docker-compose.yml`]: mainCompose });
      assert.equal(result.form, 'compose');
      assert.equal(result.running, false);
      assert.deepEqual(result.edits.map((e) => e.path), [`${dir}/docker-compose.override.yml`]);
      const [edit] = result.edits;
      assert.equal(edit.before, undefined);
      assert.match(edit.after, /^# Added by odoo-dev keeper --write/);
      assert.deepEqual(composeCommand(edit.after, 'odoo'), official);
      assert.deepEqual(result.next, { kind: 'compose-up', program: ['docker-compose'], cwd: dir, args: ['up', '-d', 'odoo'] });
    });

    it('names the override after a compose.yaml main file, and says docker compose for Compose 2', async () => {
      const v2 = composeLabels(dir, `${dir}/compose.yaml`, { 'com.docker.compose.version': '2.29.1' });
      const result = await plan({ facts: facts({ labels: v2 }) }, { [`${dir}/compose.yaml`]: mainCompose });
      assert.deepEqual(result.edits.map((e) => e.path), [`${dir}/compose.override.yaml`]);
      assert.deepEqual(result.next, { kind: 'compose-up', program: ['docker', 'compose'], cwd: dir, args: ['up', '-d', 'odoo'] });
    });

    it('merges into an override that is there, keeping its comments and other services', async () => {
      const override = `# Local tweaks, not committed.
services:
  # the database, with a volume of its own
  db:
    volumes:
      - pgdata:/var/lib/postgresql/data  # keep it
  odoo:   # our server
    environment:
      - DEBUG=1   # more logs
volumes:
  pgdata: {}
`;
      const files = { [`${dir}/docker-compose.yml`]: mainCompose, [`${dir}/docker-compose.override.yml`]: override };
      const withOverride = composeLabels(dir, 'docker-compose.yml,docker-compose.override.yml');
      const result = await plan({ facts: facts({ labels: withOverride }) }, files);
      const edit = editOf(result, `${dir}/docker-compose.override.yml`);
      assert.equal(result.edits.length, 1);
      assertCommentsKept(override, edit.after);
      assert.deepEqual(composeCommand(edit.after, 'odoo'), official);
      const doc = parseYaml(edit.after) as { services: Record<string, Record<string, unknown>>; volumes: unknown };
      assert.deepEqual(doc.services.db, { volumes: ['pgdata:/var/lib/postgresql/data'] });
      assert.deepEqual(doc.services.odoo.environment, ['DEBUG=1']);
      assert.deepEqual(doc.volumes, { pgdata: {} });
      // Only lines were added: every line of the user's file is still there, in order.
      const kept = override.split('\n');
      const now = edit.after.split('\n');
      let at = 0;
      for (const line of now) {
        if (line === kept[at]) at++;
      }
      assert.equal(at, kept.length, edit.after);
      assert.deepEqual(result.next.kind === 'compose-up' && result.next.args, ['up', '-d', 'odoo']);
    });

    it('finds an override compose reads by default even when the labels do not list it', async () => {
      const files = { [`${dir}/docker-compose.yml`]: mainCompose, [`${dir}/docker-compose.override.yml`]: 'services:\n  db:\n    image: postgres:15\n' };
      const result = await plan({ facts: facts({ labels }) }, files);
      const edit = editOf(result, `${dir}/docker-compose.override.yml`);
      assert.equal(edit.after, `services:\n  odoo:\n    entrypoint: ${edit.after.split('entrypoint: ')[1].split('\n')[0]}\n    command: ["odoo"]\n  db:\n    image: postgres:15\n`);
    });

    it('replaces an entrypoint and command the override has, and nothing else', async () => {
      const override = 'services:\n  odoo:\n    command: odoo --dev=all  # dev mode\n    entrypoint:\n      - /old.sh\n    user: root\n';
      const withOverride = composeLabels(dir, 'docker-compose.yml,docker-compose.override.yml');
      const running = facts({ labels: withOverride, entrypoint: ['/old.sh'], cmd: ['odoo', '--dev=all'] });
      const result = await plan({ facts: running }, { [`${dir}/docker-compose.override.yml`]: override });
      const edit = editOf(result, `${dir}/docker-compose.override.yml`);
      assert.deepEqual(composeCommand(edit.after, 'odoo'), restartableKeeper(['/old.sh'], ['odoo', '--dev=all']));
      assert.match(edit.after, /# dev mode/);
      assert.match(edit.after, /\n {4}user: root\n$/);
    });

    it('with -f files of other names, says the -f list, the override last, and -p for a project name of its own', async () => {
      const custom = { ...composeLabels(dir, 'base.yml,dev.yml'), 'com.docker.compose.project': 'erp' };
      const result = await plan({ facts: facts({ labels: custom }) }, { [`${dir}/base.yml`]: mainCompose });
      assert.deepEqual(result.edits.map((e) => e.path), [`${dir}/docker-compose.override.yml`]);
      assert.deepEqual(result.next.kind === 'compose-up' && result.next.args, ['-p', 'erp', '-f', 'base.yml', '-f', 'dev.yml', '-f', 'docker-compose.override.yml', 'up', '-d', 'odoo']);
    });

    it('writes the service given with --compose-service', async () => {
      const result = await plan({ facts: facts({ labels }), composeService: 'web' }, {});
      assert.deepEqual(composeCommand(result.edits[0].after, 'web'), official);
      assert.deepEqual(result.next.kind === 'compose-up' && result.next.args, ['up', '-d', 'web']);
    });

    it('doubles $ for compose and keeps every word byte for byte', async () => {
      const tricky = facts({ labels, cmd: ['odoo', '--db_password', '$ecret$$', 'two words', `it's "q"`, 'é\nline'] });
      const result = await plan({ facts: tricky }, {});
      const text = result.edits[0].after;
      assert.ok(text.includes('"$$ecret$$$$"'), text);
      assert.deepEqual(composeCommand(text, 'odoo').command, tricky.cmd);
    });

    it('changes nothing when the override has the keeper already', async () => {
      const first = await plan({ facts: facts({ labels }) }, {});
      const files = { [`${dir}/docker-compose.override.yml`]: first.edits[0].after };
      const again = await plan({ facts: facts({ labels }) }, files);
      assert.deepEqual(again.edits, []);
    });

    it('writes the keeper around the original command when the container runs it already but the files do not', async () => {
      const recreated = facts({ labels, entrypoint: official.entrypoint, cmd: official.command });
      const result = await plan({ facts: recreated }, {});
      assert.equal(result.running, true);
      const written = composeCommand(result.edits[0].after, 'odoo');
      assert.deepEqual(written, official, 'the keeper is not wrapped in a second keeper');
      assert.equal(written.entrypoint.filter((w) => w === KEEPER_SCRIPT).length, 1);
    });

    it('replaces an older keeper, in the container and in the files, by the current one around what it runs', async () => {
      const older = { entrypoint: ['/bin/sh', '-c', OLDER_KEEPER_SCRIPT, KEEPER_NAME, ...official.entrypoint.slice(4)], command: official.command };
      const files = { [`${dir}/docker-compose.override.yml`]: composeKeeperFile('odoo', older, ['# mine', '']) };
      const result = await plan({ facts: facts({ labels, entrypoint: older.entrypoint, cmd: older.command }) }, files);
      assert.equal(result.running, false, 'the container does not run the current keeper');
      assert.equal(result.edits.length, 1);
      const written = composeCommand(result.edits[0].after, 'odoo');
      assert.deepEqual(written, official);
      assert.ok(!result.edits[0].after.includes(OLDER_KEEPER_SCRIPT.replace(/\$/g, '$$$$')), 'the older script is gone');
      assert.match(result.edits[0].after, /# mine/);
    });
  });

  describe('a compose-based devcontainer', () => {
    const folder = '/home/dev/app';
    const dc = `${folder}/.devcontainer`;
    const configFile = `${dc}/devcontainer.json`;
    const devLabels = (files = `${dc}/docker-compose.yml,/tmp/devcontainercli-root/docker-compose/docker-compose.devcontainer.containerFeatures-1-2.yml`): Record<string, string> => ({
      ...composeLabels(dc, files, { 'com.docker.compose.project': 'app_devcontainer' }),
      'devcontainer.config_file': configFile,
      'devcontainer.local_folder': folder,
    });
    // As the Dev Containers CLI runs it: its wrapper, then the service's entrypoint; the command apart.
    const running = facts({ labels: devLabels(), entrypoint: [...wrapper, '/entrypoint.sh'], cmd: ['odoo'], image: 'vsc-app-1234-uid' });
    const json = `{
	// The app's dev container
	"name": "app",
	"dockerComposeFile": "docker-compose.yml", // the stack
	"service": "odoo",
	"workspaceFolder": "/workspace",
	/* extensions for Odoo */
	"customizations": { "vscode": { "extensions": ["ms-python.python"] } },
}
`;

    it('adds a compose file of ours and turns the dockerComposeFile string into a list, comments and trailing commas kept', async () => {
      const result = await plan({ facts: running }, { [configFile]: json, [`${dc}/docker-compose.yml`]: mainCompose });
      assert.equal(result.form, 'devcontainer-compose');
      assert.deepEqual(result.edits.map((e) => e.path).sort(), [configFile, `${dc}/${keeperComposeFileName}`].sort());
      const ours = editOf(result, `${dc}/${keeperComposeFileName}`);
      assert.equal(ours.before, undefined);
      assert.deepEqual(composeCommand(ours.after, 'odoo'), official);
      const edited = editOf(result, configFile).after;
      assertCommentsKept(json, edited);
      assert.match(edited, /\t"dockerComposeFile": \[\n\t\t"docker-compose.yml",\n\t\t"docker-compose.odoo-dev.yml"\n\t\],/, 'tabs kept');
      assert.match(edited, /"extensions": \["ms-python.python"\] } },\n}\n$/, 'the trailing comma and the rest stay');
      const config = parseJsonc(edited, [], { allowTrailingComma: true }) as Record<string, unknown>;
      assert.deepEqual(config.dockerComposeFile, ['docker-compose.yml', keeperComposeFileName]);
      assert.equal(config.overrideCommand, undefined, 'compose\'s default (false) needs no line');
      assert.deepEqual(result.next, { kind: 'devcontainer-rebuild', workspaceFolder: folder, configFile, cliArgs: ['up', '--workspace-folder', folder, '--remove-existing-container'] });
    });

    it('appends to a dockerComposeFile list, and leaves a list that has ours as it is', async () => {
      const listed = '{\n  "dockerComposeFile": [\n    "../docker-compose.yml", // base\n    "docker-compose.dev.yml",\n  ],\n  "service": "odoo",\n}\n';
      const result = await plan({ facts: running }, { [configFile]: listed });
      const edited = editOf(result, configFile).after;
      assert.equal(edited, '{\n  "dockerComposeFile": [\n    "../docker-compose.yml", // base\n    "docker-compose.dev.yml",\n    "docker-compose.odoo-dev.yml",\n  ],\n  "service": "odoo",\n}\n');
      const again = await plan({ facts: running }, { [configFile]: edited, [`${dc}/${keeperComposeFileName}`]: editOf(result, `${dc}/${keeperComposeFileName}`).after });
      assert.deepEqual(again.edits, []);
    });

    it('sets "overrideCommand": true to false, says why, and takes the command from the service or the image', async () => {
      const overriding = json.replace('"service": "odoo",', '"service": "odoo",\n\t"overrideCommand": true, // keep it idle');
      // With overrideCommand true the wrapper runs nothing.
      const idle = facts({ labels: devLabels(), entrypoint: wrapper, cmd: [], imageEntrypoint: ['/entrypoint.sh'], imageCmd: ['odoo'] });
      const result = await plan({ facts: idle }, { [configFile]: overriding, [`${dc}/docker-compose.yml`]: mainCompose });
      const edited = editOf(result, configFile).after;
      assert.match(edited, /"overrideCommand": false, \/\/ keep it idle/);
      assert.ok(result.notes.some((note) => note.includes('"overrideCommand": true') && note.includes('never run')), result.notes.join('\n'));
      assert.deepEqual(composeCommand(editOf(result, `${dc}/${keeperComposeFileName}`).after, 'odoo'), official);
      // The service's own command in its compose file wins over the image's.
      const withCommand = mainCompose.replace('    image: odoo:18\n', '    image: odoo:18\n    command: odoo --dev "xml,qweb"\n');
      const own = await plan({ facts: idle }, { [configFile]: overriding, [`${dc}/docker-compose.yml`]: withCommand });
      assert.deepEqual(composeCommand(editOf(own, `${dc}/${keeperComposeFileName}`).after, 'odoo').command, ['odoo', '--dev', 'xml,qweb']);
    });

    it('finds the devcontainer.json in the workspace for another service of its compose project', async () => {
      const sibling = composeLabels(dc, devLabels()['com.docker.compose.project.config_files'], { 'com.docker.compose.project': 'app_devcontainer', 'com.docker.compose.service': 'web' });
      const result = await plan({ facts: facts({ labels: sibling }), workspaceFolders: [folder] }, { [configFile]: json });
      assert.equal(result.form, 'devcontainer-compose');
      assert.deepEqual(composeCommand(editOf(result, `${dc}/${keeperComposeFileName}`).after, 'web'), official);
      await rejects(plan({ facts: facts({ labels: sibling }), workspaceFolders: ['/elsewhere'] }, { [configFile]: json }), 'devcontainer', 'Run this in the folder');
    });

    it('says where a devcontainer.json cannot be read', async () => {
      await rejects(plan({ facts: running }, { [configFile]: '{ "service": "odoo", ' }), configFile, 'line 1');
      await rejects(plan({ facts: running }, {}), configFile, 'does not exist');
    });
  });

  describe('an image- or Dockerfile-based devcontainer', () => {
    const folder = '/home/dev/img';
    const dc = `${folder}/.devcontainer`;
    const configFile = `${dc}/devcontainer.json`;
    const labels = { 'devcontainer.config_file': configFile, 'devcontainer.local_folder': folder };
    // As the Dev Containers CLI runs an image: /bin/sh as entrypoint, its wrapper and the image's entrypoint and command as Cmd.
    const running = facts({ labels, entrypoint: ['/bin/sh'], cmd: ['-c', wrapperText, '-', '/entrypoint.sh', 'odoo'], image: 'vsc-img-5678-uid' });

    it('bakes the keeper into a Dockerfile of ours FROM the user\'s image, and builds it in place of "image"', async () => {
      const json = '{\n  // Odoo as PID 1\n  "image": "odoo:18", // the official image\n  "overrideCommand": false,\n  "forwardPorts": [8069],\n}\n';
      const result = await plan({ facts: running }, { [configFile]: json });
      assert.equal(result.form, 'devcontainer-image');
      const dockerfile = editOf(result, `${dc}/${keeperDockerfileName}`);
      assert.equal(dockerfile.before, undefined);
      const lines = dockerfile.after.split('\n');
      assert.ok(lines.includes('FROM odoo:18'), 'the user\'s image, not the one the CLI derived from it');
      assert.deepEqual(JSON.parse(lines.find((l) => l.startsWith('ENTRYPOINT '))!.slice('ENTRYPOINT '.length)), official.entrypoint);
      assert.deepEqual(JSON.parse(lines.find((l) => l.startsWith('CMD '))!.slice('CMD '.length)), official.command);
      const edited = editOf(result, configFile).after;
      assert.equal(edited, '{\n  // Odoo as PID 1\n  "build": { "dockerfile": "Dockerfile.odoo-dev" }, // the official image\n  "overrideCommand": false,\n  "forwardPorts": [8069],\n}\n');
      assert.deepEqual(result.next.kind === 'devcontainer-rebuild' && result.next.cliArgs, ['up', '--workspace-folder', folder, '--remove-existing-container']);
    });

    it('adds "overrideCommand": false where it is missing, and says so', async () => {
      const json = '{\n  "image": "odoo:17"\n}\n';
      const result = await plan({ facts: running }, { [configFile]: json });
      const config = parseJsonc(editOf(result, configFile).after) as Record<string, unknown>;
      assert.deepEqual(config, { build: { dockerfile: keeperDockerfileName }, overrideCommand: false });
      assert.ok(result.notes.some((n) => n.includes('"overrideCommand" is false')), result.notes.join('\n'));
    });

    it('appends ENTRYPOINT and CMD to the user\'s Dockerfile, comments kept, and a second run changes nothing', async () => {
      const json = '{\n  "build": { "dockerfile": "Dockerfile", "context": ".." },\n  "overrideCommand": false, // Odoo is PID 1\n}\n';
      const userDockerfile = '# Our Odoo with extra tools\nFROM odoo:18\nUSER root\n# tools for debugging\nRUN apt-get update && apt-get install -y vim\nUSER odoo\n';
      const files = { [configFile]: json, [`${dc}/Dockerfile`]: userDockerfile };
      const result = await plan({ facts: running }, files);
      assert.equal(result.form, 'devcontainer-dockerfile');
      assert.deepEqual(result.edits.map((e) => e.path), [`${dc}/Dockerfile`], 'devcontainer.json needs no change');
      const after = result.edits[0].after;
      assert.ok(after.startsWith(userDockerfile), 'the user\'s lines stay, byte for byte, before ours');
      assert.match(after.slice(userDockerfile.length), /^\n# odoo-dev keeper: .*\n# .*\nENTRYPOINT \[.*\]\nCMD \["odoo"\]\n$/);
      const again = await plan({ facts: running }, { ...files, [`${dc}/Dockerfile`]: after });
      assert.deepEqual(again.edits, []);
    });

    it('puts the lines at the end of the build.target stage of a multi-stage Dockerfile', async () => {
      const json = '{ "build": { "dockerfile": "../Dockerfile", "target": "dev" }, "overrideCommand": false }';
      const userDockerfile = 'FROM odoo:18 AS dev\nRUN pip install debugpy\n\nFROM dev AS prod\nCOPY addons /mnt/extra-addons\n';
      const result = await plan({ facts: running }, { [configFile]: json, [`${folder}/Dockerfile`]: userDockerfile });
      const after = editOf(result, `${folder}/Dockerfile`).after;
      const lines = after.split('\n');
      assert.ok(lines.indexOf('CMD ["odoo"]') < lines.indexOf('FROM dev AS prod'), after);
      assert.ok(after.endsWith('FROM dev AS prod\nCOPY addons /mnt/extra-addons\n'), after);
      await rejects(plan({ facts: running }, { [configFile]: json.replace('"dev"', '"test"'), [`${folder}/Dockerfile`]: userDockerfile }), 'no stage named "test"');
    });

    it('keeps $ single in the Dockerfile\'s exec form, which substitutes nothing', async () => {
      const withDollar = facts({ labels, entrypoint: ['/bin/sh'], cmd: ['-c', wrapperText, '-', '/entrypoint.sh', 'odoo', '--db_password=$x'] });
      const result = await plan({ facts: withDollar }, { [configFile]: '{ "image": "odoo:18", "overrideCommand": false }' });
      const cmd = editOf(result, `${dc}/${keeperDockerfileName}`).after.split('\n').find((l) => l.startsWith('CMD '))!;
      assert.deepEqual(JSON.parse(cmd.slice(4)), ['odoo', '--db_password=$x']);
    });
  });

  it('refuses a container that neither compose nor Dev Containers made, and says what to do instead', async () => {
    await rejects(plan({ facts: facts({}) }, {}), 'not made by compose or by Dev Containers', 'odoo-dev keeper prints');
    await rejects(plan({ facts: facts({}), devcontainer: true }, {}), 'No devcontainer.json');
  });

  it('the keeper in the plan names itself and runs the original entrypoint', async () => {
    const result = await plan({ facts: facts({ labels: composeLabels('/p', 'docker-compose.yml') }) }, {});
    assert.deepEqual(result.keeper.entrypoint.slice(3), [KEEPER_NAME, '/entrypoint.sh']);
  });
});
