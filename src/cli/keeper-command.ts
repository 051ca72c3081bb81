import { keeperAdvice } from '../core/restartable-keeper';
import type { DockerAccess } from '../docker/docker-access';
import type { OdooContainer } from '../engine/odoo-container';
import type { CliOptions } from './cli-options';
import { applyKeeper } from './keeper-apply';
import { writeKeeperFiles } from './keeper-write';

/**
 * `odoo-dev keeper`: the one-time change that makes a container whose Odoo is PID 1
 * restartable with new args, printed from its and its image's command; `--write` writes it
 * into the compose or devcontainer files that make the container; `--apply` recreates the
 * container once with it.
 */
export async function keeperCommand(container: OdooContainer, docker: DockerAccess, options: CliOptions): Promise<number> {
  if (options.apply) {
    return applyKeeper(container, docker, options);
  }
  if (options.write) {
    return writeKeeperFiles(container, options);
  }
  return printKeeper(container, options);
}

async function printKeeper(container: OdooContainer, options: CliOptions): Promise<number> {
  const advice = keeperAdvice(await container.commandFacts(), {
    ...(options.composeService !== undefined ? { composeService: options.composeService } : {}),
    ...(options.devcontainer ? { devcontainer: true } : {}),
  });
  const { name } = container;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ container: name, already: advice.already, form: advice.form, entrypoint: advice.keeper.entrypoint, command: advice.keeper.command, text: advice.text })}\n`);
  } else if (advice.already) {
    process.stdout.write(`${name} already runs the odoo-dev keeper as PID 1; odoo-dev restarts Odoo in it with new args.\n`);
  } else {
    process.stdout.write(advice.text);
  }
  return 0;
}
