// Proves the Lezer grammar against Nix's own parser: for every .nix file under the given
// folders, "our parse reports a syntax problem" must equal "nix-instantiate --parse rejects it".
// Errors Nix raises after a successful parse (undefined variables: name binding runs once the
// whole file is parsed) count as accepted. Errors from Nix's parser actions (duplicate
// attributes, dynamic names in let/inherit, trailing slashes) count as rejections, as
// syntaxProblems reports them too. When Nix crashes or prints no `error:` line the verdict is "unknown"
// (Nix 2.8 segfaults on a file ending in `"$`, NixOS/nix#6562).
// Usage: npm run build && node scripts/prove-grammar.mjs DIR... [--verbose]
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const { parseNix } = await import(join(root, 'out/src/nix/parse.js'));
const { syntaxProblems } = await import(join(root, 'out/src/nix/syntaxProblems.js'));

const verbose = process.argv.includes('--verbose');
const dirs = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (dirs.length === 0) {
  console.error('usage: node scripts/prove-grammar.mjs DIR... [--verbose]');
  process.exit(2);
}

function nixFiles(path) {
  if (statSync(path).isFile()) return path.endsWith('.nix') ? [path] : [];
  return readdirSync(path, { recursive: true })
    .map((f) => join(path, String(f)))
    .filter((f) => f.endsWith('.nix') && statSync(f).isFile())
    .sort();
}

/** nix-instantiate --parse: { verdict: 'accept' | 'reject' | 'unknown', message } */
function nixVerdict(file) {
  return new Promise((resolve) => {
    const child = spawn('nix-instantiate', ['--parse', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => {
      const message =
        stderr.split('\n').find((l) => l.startsWith('error:')) ?? stderr.trim().split('\n')[0] ?? '';
      if (code === 0 || /undefined variable/.test(message)) resolve({ verdict: 'accept', message });
      else if (/^error: /.test(message)) resolve({ verdict: 'reject', message });
      else resolve({ verdict: 'unknown', message });
    });
  });
}

const files = dirs.flatMap(nixFiles);
const results = { files: files.length, agree: 0, rejected: 0, unknown: 0, mismatches: [] };
let next = 0;
async function worker() {
  while (next < files.length) {
    const file = files[next++];
    const text = readFileSync(file, 'utf8');
    const problems = syntaxProblems(parseNix(text));
    const nix = await nixVerdict(file);
    if (nix.verdict === 'unknown') {
      results.unknown++;
      if (verbose) console.log(`unknown: ${file}: ${nix.message}`);
      continue;
    }
    const weReject = problems.length > 0;
    if (weReject === (nix.verdict === 'reject')) {
      results.agree++;
      if (weReject) results.rejected++;
      continue;
    }
    results.mismatches.push({
      file,
      nix: nix.message || 'accepted',
      ours: weReject ? `${problems[0].message} at ${problems[0].span.from}` : 'accepted',
    });
  }
}
await Promise.all(Array.from({ length: Math.max(2, cpus().length * 2) }, worker));
for (const m of results.mismatches) console.log(`MISMATCH ${m.file}\n  nix:  ${m.nix}\n  ours: ${m.ours}`);
console.log(
  `${results.files} files, ${results.agree} agree (${results.rejected} of them rejected by both), ${results.mismatches.length} mismatches, ${results.unknown} unknown (Nix crashed or printed no error line)`,
);
process.exit(results.mismatches.length > 0 ? 1 : 0);
