// The demo container: a Dev Containers keeper as PID 1 (as with `overrideCommand: true`), in
// which Odoo was started by hand, as user odoo. A real Odoo image is used when one is present
// locally; otherwise the test stand-in, and the demo says so.
import Dockerode from 'dockerode';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const name = 'odoo-dev-demo';
const standin = 'odoo-dev-test/standin:latest';
const keeper = ['/bin/sh', '-c', 'echo Container started; trap "exit 0" 15; exec "$@"; while sleep 1 & wait $!; do :; done', '-'];
const cli = path.resolve(__dirname, '../dist/cli.js');
const docker = new Dockerode({ socketPath: '/var/run/docker.sock' });

async function main(): Promise<void> {
  const images = await docker.listImages();
  const real = images.flatMap((i) => i.RepoTags ?? []).find((tag) => /^(odoo|library\/odoo):/.test(tag));
  const image = real ?? standin;
  say(real ? `Using the local Odoo image ${real}.` : `No Odoo image here (none can be pulled offline): using the Odoo stand-in of the tests, ${standin}.`);

  await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
  const container = await docker.createContainer({
    name,
    Image: image,
    Entrypoint: keeper,
    Cmd: [],
    User: 'root',
    Labels: { 'odoo-dev-demo': '1' },
    HostConfig: { NetworkMode: 'none' },
  });
  await container.start();
  say(`Started container ${name}: the keeper is PID 1, as in a Dev Container.`);

  // Odoo started by hand in the container, the way a developer does it today.
  const exec = await container.exec({ Cmd: ['odoo', '--db_host', 'db', '--db_password', 'demo-secret'], User: 'odoo', WorkingDir: '/var/lib/odoo', AttachStdout: false, AttachStderr: false });
  // A detached start still answers with a socket; close it so this script can end.
  const stream = await exec.start({ Detach: true, hijack: false });
  (stream as unknown as { destroy?: () => void } | undefined)?.destroy?.();
  run('status');
  run('restart', '--', '-d', 'demo', '--dev=xml', '--log-level=debug');
  run('status');
  say([
    `Try: node dist/cli.js --container ${name} restart -- -d demo -u my_module`,
    `     node dist/cli.js --container ${name} logs`,
    `     node dist/cli.js --container ${name} status --watch`,
    `Remove the demo container with: docker rm -f ${name}`,
  ].join('\n'));
}

function run(...args: string[]): void {
  say(`$ odoo-dev --container ${name} ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [cli, '--container', name, ...args], { stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`odoo-dev ${args[0]} failed with exit code ${result.status}`);
  }
}

function say(text: string): void {
  process.stdout.write(`\n${text}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
