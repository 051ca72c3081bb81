import * as assert from 'node:assert/strict';
import type { AgentEvent, Snapshot } from '../../src/core/agent-protocol';
import { AsyncQueue } from '../../src/core/async-queue';
import { AgentConversation } from '../../src/engine/agent-conversation';
import type { AgentSession, OdooContainer } from '../../src/engine/odoo-container';

describe('AgentConversation', () => {
  it('a wait that was aborted loses no event: the next wait gets it', async () => {
    const events = new AsyncQueue<AgentEvent>();
    const session: AgentSession = {
      snapshot: { t: 'snapshot', processes: [] } as Snapshot,
      send: () => undefined,
      next: () => events.next(),
      close: async () => events.end(),
    };
    const agent = new AgentConversation(session, { name: 'c' } as OdooContainer);
    const abort = new AbortController();
    const waiting = agent.until(['exited'], abort.signal);
    abort.abort();
    assert.equal(await waiting, undefined);
    events.push({ t: 'exited', pid: 4, exitCode: 0, signal: null, ms: 1 });
    assert.deepEqual(await agent.until(['exited']), { t: 'exited', pid: 4, exitCode: 0, signal: null, ms: 1 });
  });
});
