/** The planted-secrets corpus (test/fixtures/hostile/secrets/README.md): staging and the leak check. */
import assert from 'node:assert/strict';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir } from './paths.js';

export const SECRETS_DIR = join(fixturesDir, 'hostile', 'secrets');

export function lines(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

export interface StagedSecrets {
  root: string;
  secrets: string[];
  survives: string[];
  dispose: () => void;
}

/** Copy a scenario's root to a temp folder, `@ROOT@` replaced by that folder (staged paths are absolute). */
export function stageSecrets(scenario: string): StagedSecrets {
  const base = mkdtempSync(join(tmpdir(), 'lbd-secrets-'));
  const root = join(base, 'mac');
  cpSync(join(SECRETS_DIR, scenario, 'root'), root, { recursive: true });
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      writeFileSync(path, readFileSync(path, 'utf8').replaceAll('@ROOT@', root));
    }
  };
  walk(root);
  for (const dir of ['etc/nix', 'etc/ssh/ssh_config.d', 'var/root/.ssh', 'Library/LaunchDaemons'])
    mkdirSync(join(root, dir), { recursive: true });
  // A stand-in for the builder key (never a real key: the doctor does not read it anyway).
  writeFileSync(join(root, 'etc/nix/builder_ed25519'), 'not a key\n', { mode: 0o600 });
  chmodSync(join(root, 'etc/nix/builder_ed25519'), 0o600);
  const survives = lines(join(SECRETS_DIR, scenario, 'survives.txt'));
  return {
    root,
    secrets: lines(join(SECRETS_DIR, scenario, 'secrets.txt')),
    survives,
    dispose: () => rmSync(base, { recursive: true, force: true }),
  };
}

export function scenarios(): string[] {
  return readdirSync(SECRETS_DIR)
    .filter((n) => statSync(join(SECRETS_DIR, n)).isDirectory())
    .sort();
}

export function assertNoSecret(output: string, secrets: string[], what: string): void {
  const leaked = secrets.filter((s) => output.toLowerCase().includes(s.toLowerCase()));
  assert.deepEqual(leaked, [], `${what} leaks ${leaked.join(', ')}:\n${output}`);
}
