import * as assert from 'node:assert/strict';
import { RestartBudget } from '../../src/vscode/restart-budget';

describe('RestartBudget', () => {
  it('allows the limit within the window, then none, then again once old restarts age out', () => {
    let now = 0;
    const budget = new RestartBudget(3, 1000, () => now);
    assert.deepEqual([budget.take(), budget.take(), budget.take(), budget.take()], [true, true, true, false]);
    now = 999;
    assert.equal(budget.take(), false);
    now = 1000;
    assert.deepEqual([budget.take(), budget.take(), budget.take(), budget.take()], [true, true, true, false]);
  });
});
