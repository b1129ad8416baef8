import assert from 'node:assert/strict';
import type { ProbeId } from '../../../src/protocol/probes.js';
import type { ProbeDefinition, ProbeOutcome } from '../../../src/probes/context.js';
import { probesOnCycles, runProbeList, selectProbes } from '../../../src/probes/engine.js';
import { PROBES } from '../../../src/probes/registry.js';

// Fake probes borrow real ids (the type demands them); what they do is all in these tests.
const ok = (summary = 'ok'): ProbeOutcome => ({ status: 'ok', summary, evidence: [] });
const fake = (
  id: ProbeId,
  run: ProbeDefinition['run'],
  deps: { requires?: ProbeId[]; after?: ProbeId[] } = {},
): ProbeDefinition => ({
  id,
  title: id,
  checks: '',
  verdicts: '',
  requires: deps.requires ?? [],
  ...(deps.after ? { after: deps.after } : {}),
  run,
});
const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('probe engine with fake probes', function () {
  it("the registry's requires/after graph has no cycle and names only registered probes", function () {
    assert.deepEqual([...probesOnCycles(PROBES)], []);
    const ids = new Set(PROBES.map((p) => p.id));
    for (const probe of PROBES) {
      for (const dep of [...probe.requires, ...(probe.after ?? [])])
        assert.ok(ids.has(dep), `${probe.id} depends on unknown ${dep}`);
    }
  });

  it('finds the probes on a cycle, and only those', function () {
    const probes = [
      fake('platform', () => Promise.resolve(ok())),
      fake('nix-install', () => Promise.resolve(ok()), { requires: ['determinate'] }),
      fake('determinate', () => Promise.resolve(ok()), { after: ['nix-install'] }),
      fake('machines-file', () => Promise.resolve(ok()), { requires: ['determinate'] }),
    ];
    assert.deepEqual([...probesOnCycles(probes)].sort(), ['determinate', 'nix-install']);
  });

  it('a cycle does not hang or throw the run: its probes and their dependents are reported as not run', async function () {
    this.timeout(5000);
    const probes = [
      fake('platform', () => Promise.resolve(ok())),
      fake('nix-install', () => Promise.resolve(ok()), { requires: ['determinate'] }),
      fake('determinate', () => Promise.resolve(ok()), { requires: ['nix-install'] }),
      fake('machines-file', () => Promise.resolve(ok()), { requires: ['determinate'] }),
    ];
    const report = await runProbeList(probes, { timeoutMs: 2000 });
    const status = Object.fromEntries(report.results.map((r) => [r.id, [r.status, r.summary]]));
    assert.equal(status.platform?.[0], 'ok');
    assert.match(status['nix-install']?.[1] ?? '', /cycle/);
    assert.match(status.determinate?.[1] ?? '', /cycle/);
    assert.equal(status['machines-file']?.[0], 'skip');
  });

  it('runs independent probes concurrently and a probe only after what it requires', async function () {
    const log: string[] = [];
    const slow = (id: ProbeId, deps?: { requires?: ProbeId[] }) =>
      fake(
        id,
        async () => {
          log.push(`start ${id}`);
          await tick(50);
          log.push(`end ${id}`);
          return ok();
        },
        deps,
      );
    const report = await runProbeList(
      [slow('platform'), slow('nix-install'), slow('determinate', { requires: ['platform'] })],
      {},
    );
    assert.equal(report.results.length, 3);
    assert.deepEqual(
      log.slice(0, 2).sort(),
      ['start nix-install', 'start platform'],
      'both independent probes start before either ends',
    );
    assert.ok(log.indexOf('start determinate') > log.indexOf('end platform'));
  });

  it('a probe nothing waits for starts after the probes others wait for, though listed first', async function () {
    const started: string[] = [];
    const starts = (id: ProbeId, deps?: { requires?: ProbeId[] }) =>
      fake(
        id,
        () => {
          started.push(id);
          return Promise.resolve(ok());
        },
        deps,
      );
    await runProbeList(
      [starts('platform'), starts('nix-install'), starts('determinate', { requires: ['nix-install'] })],
      {},
    );
    assert.deepEqual(started.slice(0, 2), ['nix-install', 'platform']);
  });

  it('a probe sees the facts of the probes it declares, and never those of others, whatever finished first', async function () {
    const seen: Record<string, string | undefined> = {};
    const probes = [
      fake('platform', (ctx) => {
        ctx.facts.nixVersion = '2.99';
        return Promise.resolve(ok());
      }),
      // Finishes long after `platform` wrote its fact, but declares nothing: must not see it.
      fake('nix-install', async (ctx) => {
        await tick(30);
        seen.undeclared = ctx.facts.nixVersion;
        return ok();
      }),
      fake(
        'determinate',
        (ctx) => {
          seen.after = ctx.facts.nixVersion;
          return Promise.resolve(ok());
        },
        { after: ['platform'] },
      ),
      // Through a chain: machines-file requires determinate, which runs after platform.
      fake(
        'machines-file',
        (ctx) => {
          seen.transitive = ctx.facts.nixVersion;
          return Promise.resolve(ok());
        },
        { requires: ['determinate'] },
      ),
    ];
    const report = await runProbeList(probes, {});
    assert.deepEqual(seen, { undeclared: undefined, after: '2.99', transitive: '2.99' });
    assert.equal(report.nixVersion, '2.99', 'the report still shows every fact found');
  });

  it('a probe sees the results of the probes it declares only', async function () {
    const seen: string[] = [];
    const probes = [
      fake('platform', () => Promise.resolve(ok('platform ok'))),
      fake('nix-install', async (ctx) => {
        await tick(20);
        seen.push(...[...ctx.results.keys()]);
        return ok();
      }),
      fake(
        'determinate',
        (ctx) => {
          seen.push(...[...ctx.results.keys()].map((k) => `determinate saw ${k}`));
          return Promise.resolve(ok());
        },
        { after: ['platform'] },
      ),
    ];
    await runProbeList(probes, {});
    assert.deepEqual(seen, ['determinate saw platform']);
  });

  it('a probe that throws becomes a failed result; what requires it is skipped with the reason', async function () {
    const probes = [
      fake('platform', () => Promise.reject(new Error('boom'))),
      fake('nix-install', () => Promise.resolve(ok()), { requires: ['platform'] }),
      fake('determinate', () => Promise.resolve(ok()), { after: ['platform'] }),
    ];
    const report = await runProbeList(probes, {});
    const byId = new Map(report.results.map((r) => [r.id, r]));
    assert.equal(byId.get('platform')?.status, 'fail');
    assert.match(byId.get('platform')?.summary ?? '', /internal error in this probe: boom/);
    assert.equal(byId.get('nix-install')?.status, 'skip');
    assert.match(byId.get('nix-install')?.summary ?? '', /^not run: platform failed/);
    assert.equal(byId.get('determinate')?.status, 'ok', '`after` waits but does not depend on success');
  });

  it('selects what `only` needs, and leaves out probes that run only when asked for', function () {
    const probes = [
      fake('platform', () => Promise.resolve(ok())),
      fake('nix-install', () => Promise.resolve(ok()), { after: ['platform'] }),
      {
        ...fake('test-build', () => Promise.resolve(ok()), { requires: ['nix-install'] }),
        onlyWhenAsked: true,
      },
    ];
    assert.deepEqual(
      selectProbes(probes, undefined).map((p) => p.id),
      ['platform', 'nix-install'],
    );
    assert.deepEqual(
      selectProbes(probes, ['test-build']).map((p) => p.id),
      ['platform', 'nix-install', 'test-build'],
    );
  });

  describe('early start (commands a probe begins before what it requires has finished)', function () {
    it('begins once its own `after` have finished, sees only their facts, and hands its work to run()', async function () {
      const log: string[] = [];
      let earlyFacts: string | undefined;
      let handed: unknown;
      const probes: ProbeDefinition[] = [
        fake('platform', (ctx) => {
          ctx.facts.platform = 'fake-os';
          return Promise.resolve(ok());
        }),
        fake('nix-install', async (ctx) => {
          ctx.facts.nixVersion = '2.99';
          await tick(80);
          log.push('end nix-install');
          return ok();
        }),
        {
          ...fake(
            'determinate',
            (_ctx, early) => {
              handed = early;
              return Promise.resolve(ok());
            },
            { requires: ['nix-install'] },
          ),
          early: {
            after: ['platform'],
            start(ctx) {
              log.push('early determinate');
              earlyFacts = `${ctx.facts.platform ?? '-'} ${ctx.facts.nixVersion ?? '-'}`;
              return Promise.resolve('started early');
            },
          },
        },
      ];
      const report = await runProbeList(probes, {});
      assert.deepEqual(log, ['early determinate', 'end nix-install'], 'before its requirement ended');
      assert.equal(earlyFacts, 'fake-os -', 'the facts of its early `after` only');
      assert.equal(handed, 'started early');
      assert.equal(report.results.find((r) => r.id === 'determinate')?.status, 'ok');
    });

    it('when what it requires fails, run() is not called and the early work is cancelled and waited for', async function () {
      let ran = false;
      let cancelled = false;
      let finished = false;
      const probes: ProbeDefinition[] = [
        fake('platform', () => Promise.resolve(ok())),
        fake('nix-install', async () => {
          await tick(30);
          return { status: 'fail', cause: 'unknown', summary: 'no nix', evidence: [] };
        }),
        {
          ...fake(
            'determinate',
            () => {
              ran = true;
              return Promise.resolve(ok());
            },
            { requires: ['nix-install'] },
          ),
          early: {
            after: ['platform'],
            start(_ctx, signal) {
              // Work that only ends when told to: the engine must stop it, then wait for it.
              const work = new Promise<string>((resolve) =>
                signal.addEventListener('abort', () => {
                  cancelled = true;
                  setTimeout(() => {
                    finished = true;
                    resolve('stopped');
                  }, 20);
                }),
              );
              return Promise.resolve(work);
            },
          },
        },
      ];
      const report = await runProbeList(probes, { timeoutMs: 5000 });
      const result = report.results.find((r) => r.id === 'determinate');
      assert.equal(result?.status, 'skip');
      assert.match(result?.summary ?? '', /^not run: nix-install failed/);
      assert.equal(ran, false);
      assert.ok(cancelled && finished, 'stopped, and done before the run ended');
    });

    it('is not begun when one of its own `after` failed; an early start that throws leaves the work to run()', async function () {
      let begun = false;
      const handed: unknown[] = [];
      const probes: ProbeDefinition[] = [
        fake('platform', () => Promise.resolve({ status: 'fail', summary: 'x', evidence: [] })),
        {
          ...fake('nix-install', () => Promise.resolve(ok())),
          early: {
            after: ['platform'],
            start() {
              begun = true;
              return Promise.resolve('never');
            },
          },
        },
        {
          ...fake('determinate', (_ctx, early) => {
            handed.push(early);
            return Promise.resolve(ok());
          }),
          early: { after: [], start: () => Promise.reject(new Error('boom')) },
        },
      ];
      const report = await runProbeList(probes, {});
      assert.equal(begun, false);
      assert.equal(report.results.find((r) => r.id === 'nix-install')?.status, 'ok');
      assert.deepEqual(handed, [undefined]);
    });

    it('its `after` count as dependencies: selected with it, and a cycle through them is found', function () {
      const probes: ProbeDefinition[] = [
        fake('platform', () => Promise.resolve(ok()), { after: ['nix-install'] }),
        {
          ...fake('nix-install', () => Promise.resolve(ok())),
          early: { after: ['platform'], start: () => Promise.resolve(undefined) },
        },
        fake('determinate', () => Promise.resolve(ok())),
      ];
      assert.deepEqual([...probesOnCycles(probes)].sort(), ['nix-install', 'platform']);
      const [, withEarly] = probes;
      assert.ok(withEarly);
      assert.deepEqual(
        selectProbes([fake('platform', () => Promise.resolve(ok())), withEarly], ['nix-install']).map(
          (p) => p.id,
        ),
        ['platform', 'nix-install'],
      );
    });
  });
});
