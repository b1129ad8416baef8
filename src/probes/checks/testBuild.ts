/** The real test build as a probe; runs only when asked for (`--only test-build`), it takes seconds. */
import type { ProbeDefinition } from '../context.js';
import { buildOnBuilder, defaultSystem, isLinuxSystemDouble } from '../testBuild.js';
import { skip } from './common.js';

export const testBuildProbe: ProbeDefinition = {
  id: 'test-build',
  title: 'Test build on the builder',
  requires: ['remote-nix'],
  onlyWhenAsked: true,
  async run(ctx) {
    // Without an SSH builder, a system the external (Determinate native) builder takes: the build goes through it.
    const system =
      ctx.facts.target?.systems.find(isLinuxSystemDouble) ??
      (ctx.facts.target === undefined
        ? ctx.facts.externalBuilders?.flatMap((b) => b.systems).find(isLinuxSystemDouble)
        : undefined) ??
      defaultSystem();
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
