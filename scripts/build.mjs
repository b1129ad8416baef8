// Builds everything the tests, the CLI and the extension need, in order:
// 1. the Lezer parser from src/nix/nix.grammar (only when the grammar changed),
// 2. `tsc` type-checks src/, test/ and bench/ and emits ESM to out/ (what the tests run),
// 3. esbuild bundles the three entry points to dist/ (what users run).
// Flags: --quiet (less output), --production (minified bundles, no source maps),
// --grammar-only (step 1 alone). Type errors always fail the build.
import { build } from 'esbuild';
import { buildParserFile } from '@lezer/generator';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const production = process.argv.includes('--production');
const log = (msg) => {
  if (!quiet) console.error(msg);
};

function generateParser() {
  const grammarFile = join(root, 'src/nix/nix.grammar');
  if (!existsSync(grammarFile)) return;
  const outDir = join(root, 'src/nix/generated');
  const parserFile = join(outDir, 'parser.ts');
  if (
    existsSync(parserFile) &&
    statSync(parserFile).mtimeMs >= statSync(grammarFile).mtimeMs &&
    statSync(parserFile).mtimeMs >= statSync(fileURLToPath(import.meta.url)).mtimeMs
  )
    return;
  log('lezer-generator: src/nix/nix.grammar');
  const { parser, terms } = buildParserFile(readFileSync(grammarFile, 'utf8'), {
    fileName: 'nix.grammar',
    typeScript: true,
    moduleStyle: 'es',
    warn: (message) => {
      throw new Error(`nix.grammar: ${message}`);
    },
  });
  mkdirSync(outDir, { recursive: true });
  // The generated module imports tokenizers as "./tokens" — make that a NodeNext-valid path.
  writeFileSync(
    parserFile,
    '// @ts-nocheck\n' + parser.replace(/from "\.\/([A-Za-z]+)"/g, 'from "../$1.js"'),
  );
  writeFileSync(join(outDir, 'terms.ts'), '// @ts-nocheck\n' + terms);
}

// Type errors fail every build, on a developer's machine as in CI: tests never run on code the
// compiler rejected (issue "Foundation", item 5).
function typeCheckAndEmit() {
  log('tsc');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root], {
    stdio: 'inherit',
  });
}

async function bundle() {
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: !production,
    minify: production,
    logLevel: quiet ? 'warning' : 'info',
    // import.meta.url is used by ESM sources; give the CJS bundle an equivalent.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: 'const importMetaUrl = require("url").pathToFileURL(__filename).href;' },
  };
  const entries = [
    { in: 'src/extension/main.ts', out: 'dist/extension.cjs', external: ['vscode'] },
    // Engine bundles must not reach VS Code: no external 'vscode' here, so a stray import fails.
    { in: 'src/server/main.ts', out: 'dist/server.cjs', external: [] },
    { in: 'src/cli/main.ts', out: 'dist/cli.cjs', external: [], shebang: true },
  ];
  for (const entry of entries) {
    if (!existsSync(join(root, entry.in))) continue;
    await build({
      ...common,
      entryPoints: [join(root, entry.in)],
      outfile: join(root, entry.out),
      external: entry.external,
      banner: { js: (entry.shebang ? '#!/usr/bin/env node\n' : '') + common.banner.js },
    });
  }
}

generateParser();
// --grammar-only: just the generated parser, which lint and editors need to resolve its types.
if (!process.argv.includes('--grammar-only')) {
  typeCheckAndEmit();
  await bundle();
}
