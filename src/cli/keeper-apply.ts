import { createInterface } from 'node:readline';
import { OdooDevError } from '../core/errors';
import { argvJson, shortEntrypoint } from '../core/replacement-summary';
import { maskArgv } from '../core/secrets';
import type { DockerAccess, KeeperRecreatePlan, RecreateResult } from '../docker/docker-access';
import { defaultEngineSettings } from '../engine/odoo-engine';
import type { OdooContainer } from '../engine/odoo-container';
import type { CliOptions } from './cli-options';

/** Where `keeper --apply` talks; the terminal by default, a fake one in tests. */
export interface ApplyIo {
  readonly out: (text: string) => void;
  readonly progress: (text: string) => void;
  /** Asks a question on the terminal and resolves with the answer; absent without a terminal. */
  readonly ask?: (question: string) => Promise<string>;
}

/**
 * `odoo-dev keeper --apply`: recreates the container once with the keeper as PID 1 in front of
 * its entrypoint, everything else kept. Prints what it will do, keep and lose, asks on a terminal
 * (`--yes` does not ask, and without a terminal it is needed), then swaps the containers and
 * says how to go back.
 */
export async function applyKeeper(container: OdooContainer, docker: DockerAccess, options: CliOptions, io: ApplyIo = terminalIo()): Promise<number> {
  const plan = await docker.planKeeperRecreate(container.id);
  const { name } = plan;
  if (plan.already || plan.notNeeded) {
    const message = plan.already
      ? `${name} already runs the odoo-dev keeper as PID 1; odoo-dev restarts Odoo in it with new args. Nothing changed.`
      : `${plan.notNeeded} Nothing changed.`;
    io.out(options.json ? `${JSON.stringify({ container: name, id: plan.id, recreated: false, already: plan.already, message })}\n` : `${message}\n`);
    return 0;
  }
  if (!options.json) {
    io.out(planText(plan));
  }
  if (!options.yes) {
    const ask = options.json ? undefined : io.ask;
    if (!ask) {
      throw new OdooDevError('recreate-refused', `Not recreating ${name}: odoo-dev keeper --apply asks before it replaces a container, and there is no terminal to ask on${options.json ? ' with --json' : ''}. Nothing changed.`, {
        hint: 'Read the plan (odoo-dev keeper --apply on a terminal), then run it with --yes to go ahead.',
      });
    }
    const answer = await ask(`Recreate container ${name}? [y/N] `);
    if (!/^\s*y(es)?\s*$/i.test(answer)) {
      io.out('Nothing changed.\n');
      return 1;
    }
  }
  const result = await docker.recreateWithKeeper(plan, {
    readyTimeoutMs: options.readyTimeoutMs ?? defaultEngineSettings.readyTimeoutMs,
    onStep: (message) => io.progress(`odoo-dev: ${message}\n`),
  });
  io.out(options.json ? `${JSON.stringify(resultJson(plan, result))}\n` : doneText(result));
  return 0;
}

function planText(plan: KeeperRecreatePlan): string {
  const { replacement, summary, name } = plan;
  const lines = [
    `odoo-dev keeper --apply recreates container ${name} (${plan.id.slice(0, 12)}) once, with the odoo-dev keeper as PID 1,`,
    'so that odoo-dev restarts Odoo in it with new args without stopping the container.',
    '',
    `Entrypoint now:  ${shortEntrypoint(replacement.previous.entrypoint) || '(none)'}`,
    `Entrypoint then: ${shortEntrypoint(replacement.keeper.entrypoint)}`,
    '',
    'Kept:',
    ...summary.kept.map((line) => `  - ${line}`),
    '',
    'Lost:',
    ...summary.lost.map((line) => (line.startsWith('  ') ? `    ${line.trim()}` : `  - ${line}`)),
    '',
    `Steps: create the replacement, stop ${name} (Odoo has ${replacement.stopTimeoutSeconds} s to stop gracefully), swap the names,`,
    'start the replacement and wait until Odoo answers, then remove the old container (not its volumes).',
    `If a step fails, the replacement is removed and ${name} runs again as before.`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}

function doneText(result: RecreateResult): string {
  return [
    `Container ${result.name} now runs the odoo-dev keeper as PID 1 (new ID ${result.id.slice(0, 12)}); Odoo runs as its child, PID ${result.odoo.pid}:`,
    `  ${result.odoo.argv.join(' ')}`,
    'odoo-dev restart -- ARGS now applies new args in place.',
    ...result.warnings,
    `The previous container ${result.previousId.slice(0, 12)} was removed; its volumes stay. To go back without the keeper, recreate it with`,
    `its entrypoint and command as they were:`,
    `  entrypoint: ${argvJson(result.previousEntrypoint)}`,
    `  command:    ${argvJson(result.previousCommand)}`,
    'A compose service goes back with docker compose up --force-recreate; to make the keeper last, write it into the files (odoo-dev keeper --write).',
    '',
  ].join('\n');
}

function resultJson(plan: KeeperRecreatePlan, result: RecreateResult) {
  return {
    container: result.name,
    id: result.id,
    previousId: result.previousId,
    recreated: true,
    entrypoint: maskArgv(result.entrypoint),
    command: maskArgv(result.command),
    previousEntrypoint: maskArgv(result.previousEntrypoint),
    previousCommand: maskArgv(result.previousCommand),
    odoo: result.odoo,
    kept: plan.summary.kept,
    lost: plan.summary.lost,
    lostChanges: plan.lostChanges,
    warnings: result.warnings,
  };
}

function terminalIo(): ApplyIo {
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  return {
    out: (text) => process.stdout.write(text),
    progress: (text) => process.stderr.write(text),
    ...(interactive ? {
      ask: (question: string) => new Promise<string>((resolve) => {
        const prompt = createInterface({ input: process.stdin, output: process.stderr });
        prompt.question(question, (answer) => {
          prompt.close();
          resolve(answer);
        });
        // Ctrl-D: no answer, which is no.
        prompt.once('close', () => resolve(''));
      }),
    } : {}),
  };
}
