/** The real test build as a probe; runs only when asked for (`--only test-build`), it takes seconds. */
import type { ProbeDefinition } from '../context.js';
import { runTestBuild } from '../testBuild.js';
import { skip } from './common.js';

export const testBuildProbe: ProbeDefinition = {
  id: 'test-build',
  title: 'Test build on the builder',
  requires: ['remote-nix'],
  async run(ctx) {
    const system = ctx.facts.target?.systems.find((s) => s.endsWith('-linux'));
    if (ctx.remainingMs() < 1000) return skip('no time left in this run for a build');
    const result = await runTestBuild({
      ...(system !== undefined ? { system } : {}),
      ...(ctx.paths.stagedRoot !== undefined ? { root: ctx.paths.stagedRoot } : {}),
      env: ctx.env,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      timeoutMs: ctx.remainingMs(),
      diagnose: false,
      preflight: false,
    });
    const evidence = [{ argv: result.argv, detail: result.kernel ?? result.summary }];
    if (result.ok) return { status: 'ok', summary: result.summary, evidence };
    return { status: 'fail', cause: result.cause ?? 'unknown', summary: result.summary, evidence, ...(result.fix ? { fix: result.fix } : {}) };
  },
};
