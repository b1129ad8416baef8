/** The real test build as a probe; runs only when asked for (`--only test-build`), it takes seconds. */
import type { ProbeDefinition } from '../context.js';
import { buildOnBuilder, builderSystem } from '../testBuild.js';
import { skip } from './common.js';

export const testBuildProbe: ProbeDefinition = {
  id: 'test-build',
  title: 'Test build on the builder',
  checks: 'the real test build (only with `--only test-build`, or the `test` command)',
  verdicts: 'any of the above',
  requires: ['remote-nix'],
  onlyWhenAsked: true,
  async run(ctx) {
    const system = builderSystem(ctx.facts);
    if (ctx.remainingMs() < 1000) return skip('no time left in this run for a build');
    const { result } = await buildOnBuilder(ctx, system, ctx.remainingMs());
    const evidence = [{ argv: result.argv, detail: result.kernel ?? result.summary }];
    if (result.ok) return { status: 'ok', summary: result.summary, evidence };
    return {
      status: 'fail',
      cause: result.cause ?? 'unknown',
      summary: result.summary,
      evidence,
      ...(result.fix ? { fix: result.fix } : {}),
    };
  },
};
