/**
 * Every .nix text the equivalence tests run over: the bundled examples, the test fixtures, the
 * grammar-proof snippets and generated nix-darwin configurations of a few sizes and seeds.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { snippets } from '../unit/nix/snippets.js';
import { generateDarwinConfig } from './generateConfig.js';
import { examplesDir, fixturesDir } from './paths.js';

function nixFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.nix'))
    .map((f) => join(dir, f))
    .sort();
}

export function corpus(): { name: string; text: string }[] {
  return [
    ...[...nixFiles(examplesDir), ...nixFiles(fixturesDir)].map((file) => ({
      name: file,
      text: readFileSync(file, 'utf8'),
    })),
    ...snippets.map((s, i) => ({ name: `snippet ${i}`, text: s.text })),
    ...[1, 2, 3].map((seed) => ({ name: `generated seed ${seed}`, text: generateDarwinConfig(400, seed) })),
  ];
}
