import type Dockerode from 'dockerode';
import { execIn } from './docker-bed';

/** Every listening TCP socket in the container's network namespace, as `address:port`. */
const LISTENERS_PY = `
import socket, struct
for name in ('/proc/net/tcp', '/proc/net/tcp6'):
    try:
        rows = open(name).read().splitlines()[1:]
    except OSError:
        continue
    for row in rows:
        local, state = row.split()[1], row.split()[3]
        if state != '0A':
            continue
        address, port = local.split(':')
        if len(address) == 8:
            host = socket.inet_ntop(socket.AF_INET, struct.pack('<I', int(address, 16)))
        else:
            host = socket.inet_ntop(socket.AF_INET6, b''.join(struct.pack('<I', int(address[i:i + 8], 16)) for i in range(0, 32, 8)))
        print('%s:%d' % (host, int(port, 16)))
`;

/** The listening TCP sockets in the container, read from /proc/net/tcp and tcp6. */
export async function listenersIn(container: Dockerode.Container): Promise<string[]> {
  const result = await execIn(container, ['python3', '-c', LISTENERS_PY], { user: '0:0' });
  if (result.exitCode !== 0) throw new Error(`reading the listeners failed: ${result.stderr}`);
  return result.stdout.trim().split('\n').filter(Boolean);
}
