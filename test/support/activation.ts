import * as assert from 'node:assert/strict';

/** The variables of systemd's socket activation, which the holder sets for each server it starts. */
const ACTIVATION = ['LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'ODOO_HTTP_SOCKET_FD'];

/**
 * A server's environment without the socket-activation variables, which name the server's own
 * PID and so differ between servers by design; where they are set, they come as a pair.
 */
export function userEnvironment(env: readonly string[] | undefined): string[];
export function userEnvironment(env: Readonly<Record<string, string>> | undefined): Record<string, string>;
export function userEnvironment(env: readonly string[] | Readonly<Record<string, string>> | undefined): string[] | Record<string, string> {
  const nameOf = (entry: string) => entry.split('=', 1)[0];
  const names = Array.isArray(env) ? (env as readonly string[]).map(nameOf) : Object.keys(env ?? {});
  assert.equal(names.includes('LISTEN_FDS'), names.includes('LISTEN_PID'), `LISTEN_FDS and LISTEN_PID come together: ${names.join(' ')}`);
  if (Array.isArray(env)) {
    return (env as readonly string[]).filter((entry) => !ACTIVATION.includes(nameOf(entry)));
  }
  return Object.fromEntries(Object.entries(env ?? {}).filter(([name]) => !ACTIVATION.includes(name)));
}
