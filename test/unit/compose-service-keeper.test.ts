import * as assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { withServiceKeeper } from '../../src/core/compose-service-keeper';
import { restartableKeeper } from '../../src/core/restartable-keeper';

const keeper = restartableKeeper(['/entrypoint.sh'], ['odoo', '--db_password', '$x']);

/** What compose reads for the service: its entrypoint and command, `$$` as `$`. */
function read(text: string, service: string): { entrypoint: unknown; command: unknown } {
  const doc = parseDocument(text);
  assert.deepEqual(doc.errors, [], text);
  const words = (key: string) => (doc.getIn(['services', service, key]) as { toJSON(): string[] } | undefined)?.toJSON().map((w) => w.replace(/\$\$/g, '$'));
  return { entrypoint: words('entrypoint'), command: words('command') };
}

const cases: { name: string; text: string; service?: string; keeps: RegExp[]; inPlace: boolean }[] = [
  { name: 'an empty file', text: '', keeps: [], inPlace: false },
  { name: 'a file of comments only', text: '# nothing here yet\n', keeps: [/^# nothing here yet\n/], inPlace: false },
  { name: 'no services key', text: 'version: "3.8"  # old style\nvolumes:\n  data: {}\n', keeps: [/^version: "3.8"  # old style\nvolumes:\n  data: \{\}\n/], inPlace: true },
  { name: 'an empty services key', text: 'services:   # later\nx-note: 1\n', keeps: [/^services: {3}# later\n/, /\nx-note: 1\n$/], inPlace: true },
  { name: 'other services only, four-space indent', text: 'services:\n    # first\n    db:\n        image: pg\n', keeps: [/\n {4}# first\n {4}db:\n {8}image: pg\n$/], inPlace: true },
  { name: 'the service with no value', text: 'services:\n  odoo:  # to fill\n  db:\n    image: pg\n', keeps: [/odoo: {2}# to fill\n/, /\n {2}db:\n {4}image: pg\n$/], inPlace: true },
  { name: 'the service with a block list entrypoint and a plain command', text: 'services:\n  odoo:\n    entrypoint:\n      - /a.sh  # mine\n    command: odoo -d x  # db x\n    tty: true\n', keeps: [/# db x\n/, /\n {4}tty: true\n$/], inPlace: true },
  { name: 'CRLF line ends', text: 'services:\r\n  odoo:\r\n    image: odoo:18\r\n', keeps: [/^services:\r\n {2}odoo:\r\n/, /\r\n {4}image: odoo:18\r\n$/], inPlace: true },
  { name: 'a quoted service name', service: 'odoo web', text: 'services:\n  "odoo web":\n    image: x\n', keeps: [/image: x\n$/], inPlace: true },
  { name: 'a flow map service (through the model)', text: '# flow\nservices: { odoo: { image: odoo } }  # one line\n', keeps: [/# flow/, /# one line/], inPlace: false },
];

describe('withServiceKeeper', () => {
  for (const { name, text, service = 'odoo', keeps, inPlace } of cases) {
    it(`writes the keeper into ${name}, keeping the rest`, () => {
      const after = withServiceKeeper(text, service, keeper);
      assert.deepEqual(read(after, service), { entrypoint: keeper.entrypoint, command: keeper.command });
      for (const kept of keeps) {
        assert.match(after, kept);
      }
      if (inPlace) {
        // Edited in place: only whole lines added or the service's own entrypoint and command replaced.
        const removed = text.split(/(?<=\n)/).filter((line) => !after.includes(line));
        assert.ok(removed.every((line) => /^\s*(entrypoint|command):|^\s*- \/a\.sh/.test(line)), `lines lost: ${JSON.stringify(removed)}\n${after}`);
      }
      assert.equal(withServiceKeeper(after, service, keeper), after, 'a second run changes nothing');
    });
  }

  it('says where a compose file is not valid YAML', () => {
    assert.throws(() => withServiceKeeper('services:\n  odoo: [\n', 'odoo', keeper, '/p/docker-compose.override.yml'), /\/p\/docker-compose.override.yml is not valid YAML/);
    assert.throws(() => withServiceKeeper('- a\n- b\n', 'odoo', keeper, 'f.yml'), /top level is not a mapping/);
  });
});
