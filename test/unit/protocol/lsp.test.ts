import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PROBE_PROGRESS_NOTIFICATION,
  REPORT_REQUEST,
  RUN_PROBES_REQUEST,
} from '../../../src/protocol/lsp.js';
import { projectRoot } from '../../util/paths.js';

describe('custom LSP messages (src/protocol/lsp.ts)', function () {
  it('keep the method names other editors send', function () {
    assert.equal(RUN_PROBES_REQUEST.method, 'linuxBuilderDoctor/runProbes');
    assert.equal(PROBE_PROGRESS_NOTIFICATION.method, 'linuxBuilderDoctor/probeProgress');
    assert.equal(REPORT_REQUEST.method, 'linuxBuilderDoctor/report');
  });

  it('src/protocol imports no editor: only its own files, vscode-jsonrpc and package.json', function () {
    const dir = join(projectRoot, 'src/protocol');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const [, spec] of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+['"]([^'"]+)['"]/gm)) {
        assert.ok(
          spec !== undefined &&
            (/^\.\/[A-Za-z]+\.js$/.test(spec) || spec === 'vscode-jsonrpc' || spec === '../../package.json'),
          `${file} imports ${spec ?? ''}`,
        );
      }
    }
  });
});
