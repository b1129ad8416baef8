import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, pollUntil } from './hostEnv.js';
import { findOnPath } from './which.js';

interface ProbeReport {
  results: Array<{ id: string; status: string; summary: string }>;
  verdict: { cause: string };
}
interface DoctorApi {
  ctx: { model: { report: ProbeReport | undefined } };
}

describe('"Run Admin Checks in Terminal"', () => {
  it('runs the CLI under sudo in a visible terminal and merges its JSON report into the view', async function () {
    if (!findOnPath('sudo')) {
      if (process.env.CI === 'true') assert.fail('sudo is missing (apt-get install sudo)');
      this.skip();
    }
    const api = await vscode.extensions.getExtension<DoctorApi>(EXTENSION_ID)!.activate();
    await vscode.commands.executeCommand('linuxBuilderDoctor.runHealthChecks');
    const before = api.ctx.model.report;
    assert.ok(before);
    const admin = await vscode.commands.executeCommand<ProbeReport | undefined>(
      'linuxBuilderDoctor.runAdminChecks',
    );
    assert.ok(
      vscode.window.terminals.some((t) => t.name === 'Linux Builder Doctor (admin checks)'),
      'the admin terminal is visible',
    );
    assert.ok(
      admin && Array.isArray(admin.results) && admin.results.length > 0,
      `a report from the sudo run, got ${JSON.stringify(admin)?.slice(0, 200)}`,
    );
    await pollUntil('the merged report', 5000, () => (api.ctx.model.report !== before ? true : undefined));
    const merged = api.ctx.model.report!;
    assert.deepEqual(
      merged.results.map((r) => r.id),
      before.results.map((r) => r.id),
      'same rows, merged in place',
    );
    if (admin.verdict.cause !== 'needs-admin')
      assert.equal(merged.verdict.cause, admin.verdict.cause, 'the root run decides the verdict');
  });
});
