import assert from 'node:assert/strict';
import { redactReport } from '../../../src/probes/redact.js';
import { renderMarkdownReport } from '../../../src/probes/markdownReport.js';
import type { ProbeReport } from '../../../src/protocol/probes.js';
import { fence, renderReportMarkdown } from '../../../src/protocol/reportMarkdown.js';

const report: ProbeReport = {
  platform: 'darwin arm64',
  nixVersion: '2.28.3',
  results: [
    {
      id: 'ssh-login',
      title: 'SSH login',
      status: 'fail',
      cause: 'auth-rejected',
      summary: 'rejected',
      durationMs: 3,
      evidence: [{ argv: ['ssh', '-i', '/Users/me/.ssh/key', 'builder@linux-builder'], exitCode: 255 }],
    },
  ],
  verdict: { cause: 'auth-rejected', summary: 'rejected' },
};
const withoutDate = (text: string): string => text.replace(/^- Generated: .*$/m, '');

describe('the one Markdown report (issue 11 item 6)', function () {
  it('is the same text for the CLI and server (redacted raw run) and the editor (a redacted JSON run)', function () {
    const fromRaw = renderMarkdownReport(report, { toolVersion: '1.2.3', home: '/Users/me' });
    const fromRedacted = renderReportMarkdown(redactReport(report, '/Users/me'), { toolVersion: '1.2.3' });
    assert.equal(withoutDate(fromRaw), withoutDate(fromRedacted));
    assert.match(fromRaw, /~\/\.ssh\/key/, 'the home folder is shown as ~');
  });

  it('dates the report', function () {
    const generated = new Date('2026-01-02T03:04:05Z');
    assert.match(renderReportMarkdown(report, { generated }), /^- Generated: 2026-01-02T03:04:05\.000Z$/m);
  });

  it('fences text with a fence longer than any run of backticks inside it', function () {
    assert.equal(fence('plain'), '```\nplain\n```');
    assert.equal(fence('a ```` b'), '`````\na ```` b\n`````');
    assert.equal(fence('x\n```\ny'), '````\nx\n```\ny\n````');
  });
});
