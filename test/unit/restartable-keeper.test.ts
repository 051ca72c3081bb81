import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parseCliOptions } from '../../src/cli/cli-options';
import {
  composeSequence,
  composeSnippet,
  devcontainerSnippet,
  isDevcontainersWrapper,
  isCurrentKeeper,
  isKeeper,
  keeperAdvice,
  keeperAround,
  KEEPER_NAME,
  KEEPER_SCRIPT,
  OLDER_KEEPER_SCRIPT,
  restartableKeeper,
} from '../../src/core/restartable-keeper';
import { KEEPER_HOLDER } from '../../src/core/keeper-holder';

const tricky: { name: string; entrypoint: string[]; cmd: string[] }[] = [
  { name: 'the official image', entrypoint: ['/entrypoint.sh'], cmd: ['odoo'] },
  { name: 'spaces', entrypoint: ['/opt/my entry/point.sh', 'two words'], cmd: ['odoo', '--db-filter', 'a b'] },
  { name: 'quotes', entrypoint: [`/e"n't'ry.sh`], cmd: [`--log-handler=":DEBUG"`, `it's`] },
  { name: 'dollars and backticks', entrypoint: ['/entrypoint.sh'], cmd: ['odoo', '--db_password', '$ecret$$', '${HOME}', '$(touch /tmp/x)', '`id`'] },
  { name: 'backslashes and newlines', entrypoint: ['C:\\x'], cmd: ['a\\nb', 'line\nbreak', 'tab\there', 'sep\u2028arator', 'é 日本 🙂'] },
  { name: 'no command', entrypoint: ['/entrypoint.sh'], cmd: [] },
];

/** Reads one YAML double-quoted flow sequence back, the way a YAML parser would, then undoes compose's `$$`. */
function readComposeSequence(text: string): string[] {
  assert.match(text, /^\[.*\]$/s);
  // Each item is a JSON-compatible double-quoted scalar; JSON.parse applies YAML's escapes for these.
  const items = JSON.parse(text) as string[];
  for (const item of items) {
    assert.doesNotMatch(item.replace(/\$\$/g, ''), /\$/, `a single $ would be interpolated by compose: ${item}`);
  }
  return items.map((item) => item.replace(/\$\$/g, '$'));
}

describe('restartable keeper', () => {
  describe('restartableKeeper', () => {
    for (const { name, entrypoint, cmd } of tricky) {
      it(`passes ${name} as positional args, outside the script text`, () => {
        const keeper = restartableKeeper(entrypoint, cmd);
        assert.deepEqual(keeper.entrypoint, ['/bin/sh', '-c', KEEPER_SCRIPT, KEEPER_NAME, ...entrypoint]);
        assert.deepEqual(keeper.command, cmd);
        assert.ok(isKeeper(keeper.entrypoint));
      });
    }

    it('is a POSIX sh script that starts "$@" in the background, through the socket holder where python3 is on PATH, and traps TERM and INT', () => {
      assert.ok(KEEPER_SCRIPT.startsWith(`if [ $# -gt 0 ] && command -v python3 >/dev/null 2>&1; then python3 -c '${KEEPER_HOLDER}' "$@" & else "$@" & fi;`));
      assert.doesNotMatch(KEEPER_HOLDER, /'/, 'the holder is single-quoted in the script');
      assert.match(KEEPER_SCRIPT, /trap stop TERM INT/);
      assert.doesNotMatch(KEEPER_SCRIPT.replace(KEEPER_HOLDER, ''), /\[\[|\bfunction\b|\blocal\b|<\(|\$'/, 'no bashisms');
      const check = spawnSync('sh', ['-n', '-c', KEEPER_SCRIPT]);
      assert.equal(check.status, 0, check.stderr.toString());
      const compiles = spawnSync('python3', ['-c', 'import sys; compile(sys.argv[1], "keeper-holder", "exec")', KEEPER_HOLDER]);
      assert.equal(compiles.status, 0, compiles.stderr.toString());
    });

    const firstLine = `${KEEPER_SCRIPT.slice(0, KEEPER_SCRIPT.indexOf(' fi;') + 4)} wait`;
    const printArgv = ['-c', 'import json,sys; print(json.dumps(sys.argv[1:]))'];
    for (const [how, path] of [['through the holder', process.env.PATH ?? ''], ['without python3 on PATH', '/nonexistent']] as const) {
      it(`hands the positional args byte for byte to the child (${how})`, () => {
        // Run the keeper's first line alone: "$@" must see exactly the words given.
        const words = ['two words', `"q" 'q'`, '$HOME', '$(echo no)', 'a\nb', '--no-http'];
        const run = spawnSync('/bin/sh', ['-c', firstLine, KEEPER_NAME, '/usr/bin/python3', ...printArgv, ...words], { env: { ...process.env, PATH: path } });
        assert.equal(run.status, 0, run.stderr.toString());
        assert.deepEqual(JSON.parse(run.stdout.toString()), words);
      });
    }

    it('recognises the Dev Containers wrapper', () => {
      assert.ok(isDevcontainersWrapper(['/bin/sh', '-c', 'echo Container started\ntrap "exit 0" 15\nexec "$@"\nwhile sleep 1 & wait $!; do :; done', '-']));
      assert.ok(!isDevcontainersWrapper(restartableKeeper(['/entrypoint.sh'], ['odoo']).entrypoint));
    });
  });

  describe('composeSnippet', () => {
    for (const { name, entrypoint, cmd } of tricky) {
      it(`writes entrypoint and command as YAML flow sequences with $ doubled (${name})`, () => {
        const keeper = restartableKeeper(entrypoint, cmd);
        const text = composeSnippet('odoo', keeper);
        const lines = text.split('\n');
        assert.equal(lines[0], 'services:');
        assert.equal(lines[1], '  odoo:');
        assert.ok(lines[2].startsWith('    entrypoint: ['));
        assert.ok(lines[3].startsWith('    command: ['));
        assert.deepEqual(readComposeSequence(lines[2].slice('    entrypoint: '.length)), keeper.entrypoint);
        assert.deepEqual(readComposeSequence(lines[3].slice('    command: '.length)), keeper.command);
        assert.equal(lines.length, 5, 'no raw newline inside a value');
      });
    }

    it('doubles every $ of the script', () => {
      const text = composeSequence([KEEPER_SCRIPT]);
      assert.ok(text.startsWith('["if [ $$# -gt 0 ]'), text.slice(0, 20));
      assert.equal((text.match(/\$/g) ?? []).length, 2 * (KEEPER_SCRIPT.match(/\$/g) ?? []).length);
    });

    it('quotes a service name that is not a plain YAML key', () => {
      const keeper = restartableKeeper(['/entrypoint.sh'], ['odoo']);
      assert.equal(composeSnippet('web', keeper).split('\n')[1], '  web:');
      assert.equal(composeSnippet('my odoo: 1', keeper).split('\n')[1], '  "my odoo: 1":');
    });
  });

  describe('devcontainerSnippet', () => {
    for (const { name, entrypoint, cmd } of tricky) {
      it(`gives parseable devcontainer.json members and a Dockerfile with exec-form ENTRYPOINT and CMD (${name})`, () => {
        const keeper = restartableKeeper(entrypoint, cmd);
        const snippet = devcontainerSnippet(keeper, 'odoo:18');
        assert.deepEqual(JSON.parse(snippet.devcontainerJson), { build: { dockerfile: 'Dockerfile' }, overrideCommand: false });
        const lines = snippet.dockerfile.split('\n');
        assert.equal(lines[0], 'FROM odoo:18');
        assert.ok(lines[1].startsWith('ENTRYPOINT ['));
        assert.ok(lines[2].startsWith('CMD ['));
        // Exec form is JSON and not interpolated: $ stays single.
        assert.deepEqual(JSON.parse(lines[1].slice('ENTRYPOINT '.length)), keeper.entrypoint);
        assert.deepEqual(JSON.parse(lines[2].slice('CMD '.length)), keeper.command);
      });
    }
  });

  describe('keeperAdvice', () => {
    const official = { entrypoint: ['/entrypoint.sh'], cmd: ['odoo'], imageEntrypoint: ['/entrypoint.sh'], image: 'odoo:18', labels: {} };
    const wrapper = ['/bin/sh', '-c', 'echo Container started\ntrap "exit 0" 15\nexec "$@"\nwhile sleep 1 & wait $!; do :; done', '-'];
    const compose = { 'com.docker.compose.service': 'web', 'com.docker.compose.project': 'p' };
    const cases: { name: string; facts: Parameters<typeof keeperAdvice>[0]; want?: Parameters<typeof keeperAdvice>[1]; form: 'compose' | 'dockerfile'; entrypoint: string[]; command: string[]; includes: string[] }[] = [
      { name: 'a plain container: a Dockerfile', facts: official, form: 'dockerfile', entrypoint: ['/entrypoint.sh'], command: ['odoo'], includes: ['FROM odoo:18', 'build it'] },
      { name: 'a compose service: its own service name', facts: { ...official, labels: compose }, form: 'compose', entrypoint: ['/entrypoint.sh'], command: ['odoo'], includes: ['  web:'] },
      { name: '--compose-service wins', facts: { ...official, labels: compose }, want: { composeService: 'odoo' }, form: 'compose', entrypoint: ['/entrypoint.sh'], command: ['odoo'], includes: ['  odoo:'] },
      { name: 'compose command override kept', facts: { ...official, cmd: ['--', '--dev=all'], labels: compose }, form: 'compose', entrypoint: ['/entrypoint.sh'], command: ['--', '--dev=all'], includes: [] },
      { name: 'a compose devcontainer behind the wrapper', facts: { ...official, entrypoint: wrapper, cmd: ['/entrypoint.sh', 'odoo', '--dev=all'], labels: compose }, want: { devcontainer: true }, form: 'compose', entrypoint: ['/entrypoint.sh'], command: ['odoo', '--dev=all'], includes: ['"overrideCommand": false', '  web:'] },
      { name: 'an image devcontainer: Dockerfile and devcontainer.json', facts: official, want: { devcontainer: true }, form: 'dockerfile', entrypoint: ['/entrypoint.sh'], command: ['odoo'], includes: ['"overrideCommand": false', '"dockerfile": "Dockerfile"', 'runArgs'] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const advice = keeperAdvice(c.facts, c.want);
        assert.equal(advice.already, false);
        assert.equal(advice.form, c.form);
        assert.deepEqual(advice.keeper, restartableKeeper(c.entrypoint, c.command));
        for (const text of c.includes) {
          assert.ok(advice.text.includes(text), `${text} in:\n${advice.text}`);
        }
      });
    }

    it('says so when the keeper already runs, also behind the Dev Containers wrapper', () => {
      const keeper = restartableKeeper(['/entrypoint.sh'], ['odoo']);
      assert.equal(keeperAdvice({ ...official, entrypoint: keeper.entrypoint, cmd: keeper.command }).already, true);
      assert.equal(keeperAdvice({ ...official, entrypoint: wrapper, cmd: [...keeper.entrypoint, ...keeper.command], imageEntrypoint: keeper.entrypoint }).already, true);
    });

    it('replaces an older keeper, which starts Odoo on a socket of its own, by the current one around what it runs', () => {
      const older = ['/bin/sh', '-c', OLDER_KEEPER_SCRIPT, KEEPER_NAME, '/entrypoint.sh'];
      assert.ok(isKeeper(older) && !isCurrentKeeper(older));
      for (const facts of [{ ...official, entrypoint: older }, { ...official, entrypoint: wrapper, cmd: [...older, 'odoo'], imageEntrypoint: older }]) {
        const advice = keeperAdvice(facts);
        assert.equal(advice.already, false);
        assert.equal(advice.outdated, true);
        assert.deepEqual(advice.keeper, restartableKeeper(['/entrypoint.sh'], ['odoo']));
        assert.match(advice.text, /an older odoo-dev keeper/);
        assert.match(advice.text, /`\/entrypoint\.sh odoo` on a socket of its own/);
      }
      assert.equal(keeperAdvice(official).outdated, false);
    });
  });

  describe('keeperAround', () => {
    it('puts the current keeper around an entrypoint, around what a keeper of any age runs, and changes nothing about the current one', () => {
      const current = restartableKeeper(['/entrypoint.sh'], ['odoo']);
      assert.deepEqual(keeperAround(['/entrypoint.sh'], ['odoo']), current);
      assert.deepEqual(keeperAround(['/bin/sh', '-c', OLDER_KEEPER_SCRIPT, KEEPER_NAME, '/entrypoint.sh'], ['odoo']), current);
      assert.deepEqual(keeperAround(current.entrypoint, current.command), current);
      assert.ok(isCurrentKeeper(current.entrypoint));
    });
  });

  describe('odoo-dev keeper options', () => {
    it('parses --compose-service and --devcontainer', () => {
      assert.deepEqual(parseCliOptions(['keeper', '--compose-service', 'web']).composeService, 'web');
      assert.equal(parseCliOptions(['keeper', '--devcontainer']).devcontainer, true);
      assert.equal(parseCliOptions(['keeper']).command, 'keeper');
    });

    for (const argv of [['keeper', '--compose-service', 'web', '--devcontainer'], ['status', '--devcontainer'], ['keeper', '--', '-d', 'x'], ['keeper', '--devcontainer=yes']]) {
      it(`refuses ${argv.join(' ')}`, () => {
        assert.throws(() => parseCliOptions(argv));
      });
    }
  });
});
