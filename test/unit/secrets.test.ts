import * as assert from 'node:assert/strict';
import { isSecretEnvName, mask, maskArgv, maskEnv, maskText, secretValues } from '../../src/core/secrets';

describe('maskArgv', () => {
  const cases: Array<[string, readonly string[], string[]]> = [
    ['-w and its value', ['-w', 'pw', '-d', 'db'], ['-w', '***', '-d', 'db']],
    ['-w with the value attached', ['-wpw'], ['-w***']],
    ['-w after -s in a cluster', ['-sw', 'pw', '-swpw2'], ['-sw', '***', '-sw***']],
    ['--db_password', ['--db_password', 'pw'], ['--db_password', '***']],
    ['--db_password=', ['--db_password=pw', '--db_password='], ['--db_password=***', '--db_password=***']],
    ['an abbreviation of --db_password', ['--db_pa', 'pw', '--db_pass=pw'], ['--db_pa', '***', '--db_pass=***']],
    ['--smtp-password and --smtp_password', ['--smtp-password', 'a', '--smtp_password=b'], ['--smtp-password', '***', '--smtp_password=***']],
    ['any --*password*, --*secret*, --*token*', ['--admin-password', 'a', '--my-secret=b', '--api-token', 'c'], ['--admin-password', '***', '--my-secret=***', '--api-token', '***']],
    ['the official entrypoint args', ['--db_host', 'db', '--db_port', '5432', '--db_user', 'odoo', '--db_password', 'odoo'],
      ['--db_host', 'db', '--db_port', '5432', '--db_user', 'odoo', '--db_password', '***']],
    ['nothing else', ['-d', 'db', '--dev=all', '--smtp', 'mail', '--workers', '2', '-s'], ['-d', 'db', '--dev=all', '--smtp', 'mail', '--workers', '2', '-s']],
    ['a flag at the end without value', ['-d', 'db', '-w'], ['-d', 'db', '-w']],
    ['nothing after --', ['--', '-w', 'x'], ['--', '-w', 'x']],
    ['a value that looks like a flag', ['-w', '--db_password', 'x'], ['-w', '***', 'x']],
    ['a whole command line', ['/usr/bin/python3', '/usr/bin/odoo', '-w', 'pw'], ['/usr/bin/python3', '/usr/bin/odoo', '-w', '***']],
  ];
  for (const [name, argv, expected] of cases) {
    it(name, () => {
      assert.deepEqual(maskArgv(argv), expected);
    });
  }

  it('does not change its input', () => {
    const argv = ['-w', 'pw'];
    maskArgv(argv);
    assert.deepEqual(argv, ['-w', 'pw']);
  });

  it('masks with ***', () => {
    assert.equal(mask, '***');
  });
});

describe('maskEnv', () => {
  const secretNames = ['PGPASSWORD', 'PASSWORD', 'ODOO_DB_PASSWORD', 'ODOO_ADMIN_PASSWD', 'APP_SECRET', 'GITHUB_TOKEN', 'OPENAI_API_KEY', 'APIKEY', 'pgpassword', 'SSH_PRIVATE_KEY', 'AWS_CREDENTIALS'];
  const plainNames = ['HOST', 'PGHOST', 'PGUSER', 'USER', 'HOME', 'PATH', 'ODOO_RC', 'PGPASSFILE', 'KEYBOARD'];
  for (const name of secretNames) {
    it(`masks ${name}`, () => assert.ok(isSecretEnvName(name)));
  }
  for (const name of plainNames) {
    it(`keeps ${name}`, () => assert.ok(!isSecretEnvName(name)));
  }

  it('masks a record', () => {
    assert.deepEqual(
      maskEnv({ HOST: 'db', USER: 'odoo', PASSWORD: 'odoo', PGPASSWORD: 'pg', DATABASE_URL: 'postgres://odoo:pw@db:5432/odoo' }),
      { HOST: 'db', USER: 'odoo', PASSWORD: '***', PGPASSWORD: '***', DATABASE_URL: 'postgres://odoo:***@db:5432/odoo' },
    );
  });

  it('masks KEY=VALUE strings', () => {
    assert.deepEqual(
      maskEnv(['HOST=db', 'PASSWORD=a=b', 'EMPTY_SECRET=', 'NOEQUALS', 'URL=https://u:p@h/x']),
      ['HOST=db', 'PASSWORD=***', 'EMPTY_SECRET=***', 'NOEQUALS', 'URL=https://u:***@h/x'],
    );
  });
});

describe('secretValues and maskText', () => {
  it('collects the raw secrets of an argv and an environment, longest first', () => {
    assert.deepEqual(
      secretValues(['-w', 'pw', '--smtp-password=smtp-secret', '-d', 'db'], ['PASSWORD=odoo', 'HOST=db', 'URL=postgres://u:urlpw@h/db', 'X_TOKEN=']),
      ['smtp-secret', 'urlpw', 'odoo', 'pw'],
    );
    assert.deepEqual(secretValues([], { PGPASSWORD: 'pg', HOME: '/root' }), ['pg']);
    assert.deepEqual(secretValues(['-d', 'db']), []);
  });

  const cases: Array<[string, string, readonly string[], string]> = [
    ['one secret', 'connecting with password hunter2', ['hunter2'], 'connecting with password ***'],
    ['every occurrence', 'a hunter2 b hunter2', ['hunter2'], 'a *** b ***'],
    ['a secret inside another', 'pw=abcdef', ['abc', 'abcdef'], 'pw=***'],
    ['regex characters literally', 'p.s$ and p*s$', ['p*s$'], 'p.s$ and ***'],
    ['no one-character secrets', 'a b c', ['a', ''], 'a b c'],
    ['two characters are enough', 'pw: xy', ['xy'], 'pw: ***'],
    ['no secrets', 'nothing', [], 'nothing'],
  ];
  for (const [name, text, secrets, expected] of cases) {
    it(name, () => {
      assert.equal(maskText(text, secrets), expected);
    });
  }

  it('scrubs what maskArgv would hide from a log line', () => {
    const argv = ['--db_password', 's3cr3t', '-d', 'db'];
    const line = `odoo: connection to "db" failed: password s3cr3t rejected (args: ${argv.join(' ')})`;
    const scrubbed = maskText(line, secretValues(argv));
    assert.ok(!scrubbed.includes('s3cr3t'));
    assert.ok(scrubbed.includes(maskArgv(argv).join(' ')));
  });
});
