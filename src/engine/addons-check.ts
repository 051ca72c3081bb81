import { OdooDevError } from '../core/errors';
import type { RestartPlan } from '../core/restart-plan';
import type { RunContext } from './run-context';

/**
 * Odoo up to 18 refuses to start on an `--addons-path` folder that is missing or holds no
 * module (19 skips it with a warning), and the args check cannot see the container's files:
 * the agent looks, before anything is stopped, so that a typo does not take the working
 * server down. Only the addons path of the command to launch is asked about.
 */
export async function checkAddonsPaths(run: RunContext, plan: RestartPlan): Promise<void> {
  const launch = plan.kind === 'in-place' || plan.kind === 'start' ? plan.launch : undefined;
  const command = launch?.command ?? (plan.kind === 'run-beside' ? plan.run : undefined);
  const value = command?.value('addons_path');
  if (!command || value === undefined || Number.parseInt(run.series ?? '0', 10) >= 19) {
    return;
  }
  const paths = value.split(',').map((path) => path.trim()).filter((path) => path !== '');
  const cwd = launch?.spec.cwd ?? (plan.kind === 'run-beside' ? plan.spec.cwd : undefined);
  const answer = await run.agent.step({ step: 'paths', paths, ...(cwd ? { cwd } : {}) }, ['paths']);
  if (answer.refused.length) {
    const said = answer.refused.map((r) => `${r.path} (${r.reason === 'missing' ? 'no such folder' : 'no module in it'})`).join(', ');
    throw new OdooDevError('invalid-args', `Odoo would refuse to start on --addons-path: ${said} in container ${run.facts.name}.`, {
      hint: 'Nothing was stopped; correct the path (it is read inside the container) and try again.',
      details: { refused: answer.refused },
    });
  }
}
