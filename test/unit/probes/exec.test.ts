import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runCommand } from '../../../src/probes/exec.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('exec: bounded child processes (argv only, no tty, killed on timeout/abort)', function () {
  it('returns exit code and output', async function () {
    const r = await runCommand(['sh', '-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: 5000 });
    assert.equal(r.exitCode, 3);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal(r.timedOut, false);
  });

  it('turns a missing program into a result, not a throw', async function () {
    const r = await runCommand(['definitely-not-a-program-lbd'], { timeoutMs: 5000 });
    assert.equal(r.spawnError, 'ENOENT');
    assert.equal(r.exitCode, null);
  });

  it('kills the whole process group when the timeout fires', async function () {
    const started = Date.now();
    const r = await runCommand(['sh', '-c', 'sleep 30 & echo $!; wait'], { timeoutMs: 300 });
    assert.ok(r.timedOut);
    assert.ok(Date.now() - started < 5000, 'returned promptly');
    const grandchild = Number(r.stdout.trim());
    assert.ok(grandchild > 0);
    const deadline = Date.now() + 3000;
    while (alive(grandchild) && Date.now() < deadline && existsSync(`/proc/${grandchild}/stat`)) {
      const stat = (await import('node:fs')).readFileSync(`/proc/${grandchild}/stat`, 'utf8');
      if (/\) Z /.test(stat)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const gone =
      !existsSync(`/proc/${grandchild}/stat`) ||
      /\) Z /.test((await import('node:fs')).readFileSync(`/proc/${grandchild}/stat`, 'utf8'));
    assert.ok(gone, 'the grandchild (sleep) was killed with its group');
  });

  it('stops on abort', async function () {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const r = await runCommand(['sleep', '30'], { timeoutMs: 10_000, signal: controller.signal });
    assert.ok(r.aborted);
  });

  it('runs without a controlling terminal and with stdin closed', async function () {
    const r = await runCommand(
      ['sh', '-c', 'if (exec </dev/tty) 2>/dev/null; then echo tty; else echo notty; fi; cat; echo done'],
      { timeoutMs: 5000 },
    );
    assert.equal(r.stdout, 'notty\ndone\n');
  });

  it('streams output chunks as they arrive', async function () {
    const chunks: string[] = [];
    await runCommand(['sh', '-c', 'echo one; echo two >&2'], {
      timeoutMs: 5000,
      onOutput: (c) => chunks.push(c),
    });
    assert.match(chunks.join(''), /one/);
    assert.match(chunks.join(''), /two/);
  });
});
