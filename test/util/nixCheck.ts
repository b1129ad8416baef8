/** Helpers the rule and fix tests share: analyse a snippet, apply a fix, ask the real Nix parser. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineIndex } from '../../src/nix/lines.js';
import type { Finding, Fix } from '../../src/protocol/findings.js';
import { analyzeNix } from '../../src/rules/analyze.js';

export function findings(text: string): Finding[] {
  return analyzeNix(text, { onRuleError: (rule, error) => { throw new Error(`rule ${rule} threw: ${String(error)}`); } }).findings;
}

export function codes(text: string): string[] {
  return findings(text).map((f) => f.code);
}

/** Applies a fix's edits the way an editor does (positions against the original text). */
export function applyFix(text: string, fix: Fix): string {
  const lines = new LineIndex(text);
  const edits = fix.edits
    .map((e) => ({ from: lines.offsetAt(e.range.start), to: lines.offsetAt(e.range.end), newText: e.newText }))
    .sort((a, b) => b.from - a.from);
  let out = text;
  let lastFrom = Infinity;
  for (const e of edits) {
    if (e.to > lastFrom) throw new Error(`overlapping edits in fix "${fix.title}"`);
    out = out.slice(0, e.from) + e.newText + out.slice(e.to);
    lastFrom = e.from;
  }
  return out;
}

/** `nix-instantiate --parse` on the text: null when Nix accepts it, else Nix's error. */
export function nixParseError(text: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'lbd-nix-'));
  try {
    const file = join(dir, 'input.nix');
    writeFileSync(file, text);
    const run = spawnSync('nix-instantiate', ['--parse', file], { encoding: 'utf8', timeout: 20_000 });
    if (run.error) throw run.error;
    return run.status === 0 ? null : run.stderr.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
