import * as assert from 'node:assert/strict';
import { isOdooProcess, topProcessesOf, type DockerTopAnswer } from '../../src/docker/docker-top';
import type { TopProcess } from '../../src/engine/odoo-container';

describe('topProcessesOf', () => {
  // What Docker answers for `top`, as engines and hosts word it.
  const cases: Array<[string, DockerTopAnswer, TopProcess[]]> = [
    ['our own columns, as procps titles them', {
      Titles: ['PID', 'PPID', 'UID', 'COMMAND'],
      Processes: [['4242', '4200', '101', '/usr/bin/python3 /usr/bin/odoo -d db --dev=xml'], ['4200', '0', '0', '/bin/sh -c sleep infinity']],
    }, [
      { pid: 4242, ppid: 4200, uid: 101, command: '/usr/bin/python3 /usr/bin/odoo -d db --dev=xml' },
      { pid: 4200, ppid: 0, uid: 0, command: '/bin/sh -c sleep infinity' },
    ]],
    ['CMD and another column order (Docker\'s default `ps -ef`)', {
      Titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
      Processes: [['101', '77', '1', '0', '10:00', '?', '00:00:01', 'python3 odoo-bin -c /etc/odoo.conf']],
    }, [{ pid: 77, ppid: 1, uid: 101, command: 'python3 odoo-bin -c /etc/odoo.conf' }]],
    ['ARGS, in lower case', {
      Titles: ['pid', 'ppid', 'uid', 'args'],
      Processes: [['5', '1', '0', 'odoo --workers=2']],
    }, [{ pid: 5, ppid: 1, uid: 0, command: 'odoo --workers=2' }]],
    ['a user name in the UID column reads as unknown', {
      Titles: ['UID', 'PID', 'PPID', 'CMD'],
      Processes: [['odoo', '8', '1', 'odoo']],
    }, [{ pid: 8, ppid: 1, uid: -1, command: 'odoo' }]],
    ['no PPID or UID column: 0 and -1', {
      Titles: ['PID', 'COMMAND'],
      Processes: [['9', 'odoo -d db']],
    }, [{ pid: 9, ppid: 0, uid: -1, command: 'odoo -d db' }]],
    ['no command title: the last column, where Docker leaves the rest of the line', {
      Titles: ['PID', 'PPID', 'WHAT'],
      Processes: [['9', '1', 'odoo -d db']],
    }, [{ pid: 9, ppid: 1, uid: -1, command: 'odoo -d db' }]],
    ['a row without a PID is left out', {
      Titles: ['PID', 'COMMAND'],
      Processes: [['', 'odd'], ['x', 'odd'], ['3', 'sleep 1']],
    }, [{ pid: 3, ppid: 0, uid: -1, command: 'sleep 1' }]],
    ['no processes', { Titles: ['PID', 'COMMAND'], Processes: [] }, []],
    ['null fields, as some engines send for an empty answer', { Titles: null, Processes: null }, []],
    ['an empty answer', {}, []],
  ];
  for (const [title, answer, processes] of cases) {
    it(title, () => assert.deepEqual(topProcessesOf(answer), processes));
  }
});

describe('isOdooProcess', () => {
  const row = (command: string): TopProcess => ({ pid: 1, ppid: 0, uid: 0, command });
  const cases: Array<[string, boolean]> = [
    ['/usr/bin/python3 /usr/bin/odoo -d db', true],
    ['python3 -m odoo --dev=all', true],
    ['/opt/odoo/odoo-bin shell -d db', true],
    ['odoo', true],
    ['postgres: odoo db 127.0.0.3(51234) idle', false],
    ['runuser -u odoo -- sleep infinity', false],
    ['sleep infinity', false],
  ];
  for (const [command, isOdoo] of cases) {
    it(`${isOdoo ? 'is' : 'is not'} Odoo: ${command}`, () => assert.equal(isOdooProcess(row(command)), isOdoo));
  }
});
