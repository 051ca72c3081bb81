import * as assert from 'node:assert/strict';
import { OdooDevError } from '../../src/core/errors';
import { failureStateOf } from '../../src/engine/failure-state';

describe('failureStateOf', () => {
  const cases: Array<[unknown, ReturnType<typeof failureStateOf>]> = [
    [new OdooDevError('container-not-found', 'gone'), { kind: 'container-gone' }],
    [new OdooDevError('container-not-running', 'stopped'), { kind: 'container-stopped' }],
    [new OdooDevError('docker-unreachable', 'Cannot reach Docker.'), { kind: 'docker-unavailable', message: 'Cannot reach Docker.' }],
    [new OdooDevError('agent-failed', 'The agent failed.'), { kind: 'unknown', message: 'The agent failed.' }],
    [new Error('socket hang up'), { kind: 'unknown', message: 'socket hang up' }],
    ['a string', { kind: 'unknown', message: 'a string' }],
  ];
  for (const [error, state] of cases) {
    it(`${state.kind}: ${error instanceof Error ? error.message : String(error)}`, () => {
      assert.deepEqual(failureStateOf(error), state);
    });
  }
});
