/** Helpers the rule and fix tests share: analyse a snippet, apply a fix, ask the real Nix parser. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineIndex } from '../../src/nix/lines.js';
import { parseNix } from '../../src/nix/parse.js';
import { syntaxProblems } from '../../src/nix/syntaxProblems.js';
import type { Finding, Fix } from '../../src/protocol/findings.js';
import { analyzeNix } from '../../src/rules/analyze.js';
import { findExecutable } from './prerequisites.js';

export function findings(text: string): Finding[] {
  return analyzeNix(text, {
    onRuleError: (rule, error) => {
      throw new Error(`rule ${rule} threw: ${String(error)}`);
    },
  }).findings;
}

export function codes(text: string): string[] {
  return findings(text).map((f) => f.code);
}

/** Applies a fix's edits the way an editor does (positions against the original text). */
export function applyFix(text: string, fix: Fix): string {
  const lines = new LineIndex(text);
  const edits = fix.edits
    .map((e) => ({
      from: lines.offsetAt(e.range.start),
      to: lines.offsetAt(e.range.end),
      newText: e.newText,
    }))
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

let warned = false;

/**
 * Whether a fixed text is valid Nix: Nix's own parser decides where it is installed (it must be
 * under CI=true); elsewhere our parser does, so the tests around the fix still run on a machine
 * without Nix instead of being skipped whole.
 */
export function fixParseError(text: string): string | null {
  if (findExecutable('nix-instantiate') !== null) return nixParseError(text);
  if (process.env.CI === 'true')
    throw new Error('missing prerequisites: nix-instantiate (run .ci/run or see docs/dev/testing.md)');
  if (!warned) {
    warned = true;
    console.warn("  NOTE: nix-instantiate is missing: fixes are checked with our own parser, not Nix's");
  }
  const problems = syntaxProblems(parseNix(text));
  return problems.length === 0 ? null : problems.map((p) => p.message).join('\n');
}
