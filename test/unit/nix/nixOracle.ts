/** Nix 2.8's own parser as the oracle for the grammar tests (nix-instantiate must be on PATH). */
import { spawn } from 'node:child_process';

export type NixVerdict = 'accept' | 'reject' | 'unknown';

/**
 * nix-instantiate --parse on a file. Undefined variables are reported after a complete parse,
 * so they count as accepted. (Duplicate attributes and arguments are parse errors in Nix, and
 * syntaxProblems reports them too.) 'unknown' is kept for messages this does not recognise.
 */
export function nixParse(file: string): Promise<{ verdict: NixVerdict; message: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('nix-instantiate', ['--parse', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const message = stderr.split('\n').find((l) => l.startsWith('error:')) ?? stderr.trim();
      if (code === 0 || /undefined variable/.test(message)) resolve({ verdict: 'accept', message });
      else if (/^error: /.test(message)) resolve({ verdict: 'reject', message });
      else resolve({ verdict: 'unknown', message });
    });
  });
}

/** Runs `task` over `items` with a few in flight at once. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const item = items[index];
      if (item !== undefined) results[index] = await task(item);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}
