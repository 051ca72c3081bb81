import * as assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { checkHostKey, hostMatches, sshConfigFor, type HostKeyVerdict } from '../../src/core/ssh-config';

const home = '/home/dev';
const hmac = (salt: string, text: string) => createHmac('sha1', Buffer.from(salt, 'base64')).update(text).digest('base64');
/** A known_hosts name hashed as `ssh-keygen -H` writes it. */
const hashed = (name: string, salt = Buffer.from('0123456789abcdefghij').toString('base64')) => `|1|${salt}|${hmac(salt, name)}`;

describe('sshConfigFor', () => {
  const config = [
    '# the build machine',
    'Host build odoo-*',
    '  HostName 127.0.0.5',
    '  User builder',
    '  Port 2222',
    '  IdentityFile ~/.ssh/build_ed25519',
    'Host odoo-staging',
    '  User other',
    '  IdentityFile=%d/.ssh/staging',
    '  StrictHostKeyChecking accept-new',
    'Match exec "true"',
    '  User never',
    'Host * !secret',
    '  UserKnownHostsFile ~/.ssh/known_hosts ~/.ssh/extra_hosts',
    '  IdentityAgent ~/.agent.sock',
    'Host *',
    '  User fallback',
  ].join('\n');
  const cases: Array<[string, string | undefined, ReturnType<typeof sshConfigFor>]> = [
    ['no config: the default known_hosts files', undefined, { identityFiles: [], userKnownHostsFiles: [`${home}/.ssh/known_hosts`, `${home}/.ssh/known_hosts2`] }],
    ['build', config, {
      hostName: '127.0.0.5', user: 'builder', port: 2222, identityFiles: [`${home}/.ssh/build_ed25519`],
      userKnownHostsFiles: [`${home}/.ssh/known_hosts`, `${home}/.ssh/extra_hosts`], identityAgent: `${home}/.agent.sock`,
    }],
    ['odoo-staging: the first value wins, identity files add up', config, {
      hostName: '127.0.0.5', user: 'builder', port: 2222, identityFiles: [`${home}/.ssh/build_ed25519`, `${home}/.ssh/staging`],
      userKnownHostsFiles: [`${home}/.ssh/known_hosts`, `${home}/.ssh/extra_hosts`], strictHostKeyChecking: 'accept-new', identityAgent: `${home}/.agent.sock`,
    }],
    ['secret: a negated pattern, and no Match block', config, {
      user: 'fallback', identityFiles: [], userKnownHostsFiles: [`${home}/.ssh/known_hosts`, `${home}/.ssh/known_hosts2`],
    }],
  ];
  for (const [alias, text, expected] of cases) {
    it(alias, () => assert.deepEqual(sshConfigFor(text, alias.split(':')[0], home), expected));
  }

  it('reads HostName %h as the alias', () => {
    assert.equal(sshConfigFor('Host *.lan\n HostName %h.example', 'box.lan', home).hostName, 'box.lan.example');
  });
});

describe('hostMatches', () => {
  const cases: Array<[string[], string, boolean]> = [
    [['*'], 'any', true],
    [['odoo-?'], 'odoo-1', true],
    [['odoo-?'], 'odoo-12', false],
    [['*', '!prod'], 'prod', false],
    [['a', 'b'], 'b', true],
    [['a.example'], 'aXexample', false],
  ];
  for (const [patterns, host, expected] of cases) {
    it(`${patterns.join(' ')} ${expected ? 'matches' : 'does not match'} ${host}`, () => assert.equal(hostMatches(patterns, host), expected));
  }
});

describe('checkHostKey', () => {
  const key = { type: 'ssh-ed25519', base64: 'AAAAC3NzaC1lZDI1NTE5AAAAIKEY' };
  const other = 'AAAAC3NzaC1lZDI1NTE5AAAAIOTHER';
  const cases: Array<[string, string[], string, number, HostKeyVerdict]> = [
    ['a plain entry', [`build.example ${key.type} ${key.base64}`], 'build.example', 22, 'known'],
    ['names are case-insensitive, lists split on commas', [`old,Build.Example,127.0.0.5 ${key.type} ${key.base64}`], 'build.example', 22, 'known'],
    ['a port other than 22 is written [host]:port', [`[127.0.0.1]:2222 ${key.type} ${key.base64}`], '127.0.0.1', 2222, 'known'],
    ['... and a bare name does not cover it', [`127.0.0.1 ${key.type} ${key.base64}`], '127.0.0.1', 2222, 'unknown'],
    ['a hashed entry', [`${hashed('[127.0.0.1]:2222')} ${key.type} ${key.base64}`], '127.0.0.1', 2222, 'known'],
    ['a hashed entry of another host', [`${hashed('other')} ${key.type} ${key.base64}`], '127.0.0.1', 2222, 'unknown'],
    ['a wildcard entry', [`*.example ${key.type} ${key.base64}`], 'build.example', 22, 'known'],
    ['another key of the same type: changed', [`build.example ${key.type} ${other}`], 'build.example', 22, 'changed'],
    ['only a key of another type: unknown', [`build.example ecdsa-sha2-nistp256 ${other}`], 'build.example', 22, 'unknown'],
    ['a revoked key', [`@revoked * ${key.type} ${key.base64}`, `build.example ${key.type} ${key.base64}`], 'build.example', 22, 'revoked'],
    ['a certificate authority is not a host key', [`@cert-authority *.example ${key.type} ${key.base64}`], 'build.example', 22, 'unknown'],
    ['the second file', ['# nothing', `build.example ${key.type} ${key.base64}`], 'build.example', 22, 'known'],
    ['no files', [], 'build.example', 22, 'unknown'],
  ];
  for (const [title, files, host, port, verdict] of cases) {
    it(title, () => assert.equal(checkHostKey(files, host, port, key, hmac), verdict));
  }
});
