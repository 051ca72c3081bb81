import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * A tar archive (ustar) of a host folder, for Docker's put-archive: the folder's files under
 * `into` (a relative path whose parent folders are entries too), owned by root, folders 0755
 * and files 0644, so that any user in the container can read them. Symbolic links and special
 * files are left out: a Python package needs neither.
 */
export function tarFolder(hostDir: string, into: string): Buffer {
  const blocks: Buffer[] = [];
  const parts = into.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    blocks.push(header(`${parts.slice(0, i).join('/')}/`, 0, 0o755, '5'));
  }
  const walk = (dir: string, name: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      const inArchive = `${name}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name === '__pycache__') {
          continue;
        }
        blocks.push(header(`${inArchive}/`, 0, 0o755, '5'));
        walk(full, inArchive);
      } else if (entry.isFile()) {
        const data = readFileSync(full);
        blocks.push(header(inArchive, data.length, 0o644, '0'), data, Buffer.alloc(padding(data.length)));
      }
    }
  };
  if (!statSync(hostDir).isDirectory()) {
    throw new Error(`${hostDir} is not a folder`);
  }
  walk(hostDir, parts.join('/'));
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function padding(size: number): number {
  return (512 - (size % 512)) % 512;
}

function header(name: string, size: number, mode: number, type: '0' | '5'): Buffer {
  const block = Buffer.alloc(512);
  const { prefix, base } = splitName(name);
  block.write(base, 0, 100, 'utf8');
  block.write(octal(mode, 7), 100, 8, 'ascii');
  block.write(octal(0, 7), 108, 8, 'ascii');
  block.write(octal(0, 7), 116, 8, 'ascii');
  block.write(octal(size, 11), 124, 12, 'ascii');
  block.write(octal(Math.floor(Date.now() / 1000), 11), 136, 12, 'ascii');
  block.fill(' ', 148, 156);
  block.write(type, 156, 1, 'ascii');
  block.write('ustar\u000000', 257, 8, 'ascii');
  block.write('root', 265, 32, 'ascii');
  block.write('root', 297, 32, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) {
    sum += byte;
  }
  block.write(`${octal(sum, 6)}\u0000 `, 148, 8, 'ascii');
  return block;
}

/** ustar keeps names up to 100 bytes, and a prefix of up to 155 cut at a slash. */
function splitName(name: string): { prefix: string; base: string } {
  if (Buffer.byteLength(name) <= 100) {
    return { prefix: '', base: name };
  }
  const trailing = name.endsWith('/') ? 1 : 0;
  for (let at = name.indexOf('/'); at >= 0 && at < name.length - trailing; at = name.indexOf('/', at + 1)) {
    const prefix = name.slice(0, at);
    const base = name.slice(at + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(base) <= 100) {
      return { prefix, base };
    }
  }
  throw new Error(`a path too long for a tar archive: ${name}`);
}

function octal(value: number, digits: number): string {
  return value.toString(8).padStart(digits, '0');
}
