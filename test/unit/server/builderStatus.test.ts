import assert from 'node:assert/strict';
import type { CauseId, ProbeReport } from '../../../src/protocol/probes.js';
import { BuilderStatus } from '../../../src/server/builderStatus.js';

const report = (cause: CauseId): ProbeReport => ({
  platform: 'darwin',
  nixVersion: null,
  results: [],
  verdict: { cause, summary: '' },
});

describe('what the server knows of the builder', function () {
  it('learns from probe verdicts: ok works, a named failure does not, an undecided run changes nothing', function () {
    let changes = 0;
    const status = new BuilderStatus(
      () => undefined,
      () => changes++,
    );
    assert.equal(status.works, false);
    status.fromReport(report('ok'));
    assert.equal(status.works, true);
    status.fromReport(report('needs-admin'));
    status.fromReport(report('unknown'));
    assert.equal(status.works, true, 'a run that could not look says nothing');
    status.fromReport(report('builder-down'));
    assert.equal(status.works, false);
    status.set(false, 'test-build');
    assert.equal(changes, 2, 'documents are judged again only when it changed');
  });
});
