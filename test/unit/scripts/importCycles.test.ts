import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../util/paths.js';

/** The cycle check `npm run lint` runs, over a folder of small modules. */
function checkCycles(files: Record<string, string>): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lbd-cycles-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const run = spawnSync(process.execPath, [join(projectRoot, 'scripts/importCycles.mjs'), dir], {
      encoding: 'utf8',
    });
    return { status: run.status, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('import cycle check (npm run lint)', function () {
  it('passes on modules that import downwards only', function () {
    const run = checkCycles({
      'a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'b.ts': 'export const b = 1;\n',
    });
    assert.equal(run.status, 0, run.stderr);
  });

  it('fails on a cycle closed by a dynamic import() and names the loop', function () {
    const run = checkCycles({
      'engine.ts': "import { probes } from './registry.js';\nexport const run = () => probes;\n",
      'registry.ts': "import { build } from './sub/testBuild.js';\nexport const probes = [build];\n",
      'sub/testBuild.ts':
        "export async function build() { const { run } = await import('../engine.js'); return run; }\n",
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /engine\.ts -> .*registry\.ts -> .*testBuild\.ts -> .*engine\.ts/);
  });

  it('fails on a cycle through type-only imports and re-exports', function () {
    const run = checkCycles({
      'a.ts': "import type { B } from './b.js';\nexport interface A { b: B }\n",
      'b.ts': "export type { A } from './a.js';\nexport interface B { n: number }\n",
    });
    assert.equal(run.status, 1);
  });
});
