/** A CI-like build log of the given size: compiler noise, store paths, long lines, and one ssh failure at the very end. */
import { seededRandom } from './random.js';

const NOISE = [
  "building '/nix/store/{h}-hello-2.12.1.drv'...",
  'gcc -O2 -Wall -c src/main.c -o build/main.o -I/nix/store/{h}-zlib-1.3/include',
  "copying path '/nix/store/{h}-glibc-2.39' from 'https://cache.nixos.org'...",
  'checking for working alloca.h... yes',
  '##[group]Run nix build .#checks.aarch64-linux.default --print-build-logs',
  "warning: Git tree '/Users/runner/work/repo' is dirty",
  '  CC       lib/libfoo_la-foo.lo',
  'test_connection (tests.test_net.TestSsh) ... ok',
  // lines that hold a needle of the catalogue but are no problem: the engine must look and move on
  'checking for /etc/passwd... yes',
  'configure: WARNING: pkg-config not found, using defaults',
  "error: The option `services.foo.enable' is used but not defined.",
  "connecting to 'ssh-ng://builder@linux-builder'...",
];

export function generatedBuildLog(bytes: number, seed = 7): string {
  const random = seededRandom(seed);
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const template = NOISE[Math.floor(random() * NOISE.length)] ?? '';
    const line =
      template.replace(
        '{h}',
        Math.floor(random() * 2 ** 32)
          .toString(36)
          .padEnd(32, 'x'),
      ) + (random() < 0.01 ? ' '.repeat(2000) + 'x' : '');
    parts.push(line);
    size += line.length + 1;
  }
  parts.push(
    "cannot build on 'ssh-ng://builder@linux-builder': error: failed to start SSH connection to 'builder@linux-builder': builder@localhost: Permission denied (publickey).",
  );
  return `${parts.join('\n')}\n`;
}
