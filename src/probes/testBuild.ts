/**
 * The real test: a build that can only happen on the Linux builder (
 * docs/dev/domain.md#a-test-build-that-proves-the-builder-works). A nixpkgs-free derivation for the builder's system
 * (builder /bin/sh, shell builtins only — in a build PATH is /path-not-set — reading
 * /proc/version), a random nonce so nothing is cached, `--max-jobs 0` so the local machine may not
 * build it, and substituters off so it cannot be downloaded. `nix-build` is used because it exists
 * in every Nix version and prints the output path (Nix 2.8 has no --print-out-paths). Through the
 * daemon (non-root users) the build goes exactly the daemon's way.
 *
 * Only the build: naming the root cause of a failed build with the probes is testLinuxBuilder.ts,
 * so the test-build probe can use this without the probe engine depending on itself.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch } from 'node:os';
import type { CauseId, ProbeFix } from '../protocol/probes.js';
import { nativeLinuxSystem } from '../protocol/nativeSystem.js';
import type { Facts, ProbeContext } from './context.js';
import { classifyStderr, describeNixWrapper } from './stderrClassifier.js';
import { fixFor } from './fixes.js';
import { fixFacts } from './checks/common.js';

export interface TestBuildResult {
  ok: boolean;
  system: string;
  kernel?: string;
  durationMs: number;
  cause?: CauseId;
  summary: string;
  fix?: ProbeFix;
  argv: string[];
  /** The store URI Nix reported building on ("building '…' on 'ssh-ng://…'"). */
  builder?: string;
}

/** A build and, when it failed, what it said. */
export interface BuildAttempt {
  result: TestBuildResult;
  /** What the failed build said, quoted (ssh's line when recognised, else Nix's last words). */
  symptom?: string;
  /** Whether the failure's stderr matched a known ssh/Nix text (then `result.cause` is that one). */
  recognised: boolean;
}

/** A system feature name as Nix writes them (kvm, nixos-test, big-parallel, gccarch-armv8-a). */
export const FEATURE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

/**
 * The derivation as a constant function expression: no nixpkgs, no channel, works for flake-only
 * users. The system, the nonce and the features arrive as `--argstr` values (nix-build calls the
 * function with them), so a machines entry's system or a feature name is only ever a string to
 * Nix, never Nix code. With features it sets requiredSystemFeatures, so only a builder whose
 * supportedFeatures hold them all may take it: how a user proves the builder takes their NixOS
 * tests ({kvm, nixos-test}).
 */
export const TEST_DERIVATION_FUNCTION =
  '{ system, nonce, features ? "" }: derivation ({ name = "linux-builder-doctor-test"; inherit system nonce; builder = "/bin/sh"; args = [ "-c" "read v < /proc/version; echo \\"$v\\" > $out" ]; } // (if features == "" then { } else { requiredSystemFeatures = builtins.filter builtins.isString (builtins.split " " features); }))';

/**
 * A Nix system double for Linux, as nixpkgs spells them (lib/systems/doubles.nix: `<cpu>-linux`,
 * e.g. aarch64-linux, x86_64-linux, armv7l-linux, riscv64-linux). The test build reads
 * /proc/version, so only Linux systems make sense for it.
 */
export function isLinuxSystemDouble(system: string): boolean {
  return /^[a-z0-9_]+-linux$/.test(system);
}

/**
 * The system to test-build for: the first Linux system of the SSH builder's machines entry; with
 * no SSH builder, one Determinate's native (external) builder takes, so the build goes through it;
 * else this Mac's native Linux system.
 */
export function builderSystem(facts: Facts): string {
  return (
    facts.target?.systems.find(isLinuxSystemDouble) ??
    (facts.target === undefined
      ? facts.externalBuilders?.flatMap((b) => b.systems).find(isLinuxSystemDouble)
      : undefined) ??
    defaultSystem()
  );
}

/** The builder's native system for this Mac when nothing names one (aarch64-linux on Apple silicon). */
export function defaultSystem(): string {
  return nativeLinuxSystem(arch());
}

/** nix-build's argv for the test build: the function above, the values as --argstr. */
export function testBuildArgv(
  system: string,
  features: readonly string[] = [],
  nonce: string = randomUUID(),
): string[] {
  // Feature names are checked too: a space would split one into two.
  for (const f of features)
    if (!FEATURE_NAME.test(f)) throw new Error(`not a system feature name: ${JSON.stringify(f)}`);
  return [
    'nix-build',
    '--no-out-link',
    '--max-jobs',
    '0',
    '--option',
    'substituters',
    '',
    '-E',
    TEST_DERIVATION_FUNCTION,
    '--argstr',
    'system',
    system,
    '--argstr',
    'nonce',
    nonce,
    ...(features.length > 0 ? ['--argstr', 'features', features.join(' ')] : []),
  ];
}

/** Nix found no machine for the build: with required features and no ssh failure, the features are missing. */
const NO_MACHINE =
  /is required to build|Required system: |Failed to find a machine for remote build!|unable to start any build/;

/**
 * Build the test derivation through `ctx` (its root, environment, deadline and signal). A failure is
 * classified from its stderr; fixes use the facts `ctx` holds.
 */
export async function buildOnBuilder(
  ctx: ProbeContext,
  system: string,
  timeoutMs: number,
  onOutput?: (chunk: string) => void,
  features: readonly string[] = [],
): Promise<BuildAttempt> {
  const started = Date.now();
  const argv = testBuildArgv(system, features);
  const result = await ctx.run(argv, timeoutMs, { env: ctx.nixEnv(), onOutput });
  const durationMs = Date.now() - started;
  const builder = /building '[^']*' on '([^']+)'/.exec(result.stderr)?.[1];
  const base = { system, durationMs, argv, ...(builder !== undefined ? { builder } : {}) };
  const outPath = result.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('/'))
    .pop();
  if (result.exitCode === 0 && outPath !== undefined) {
    let kernel = '';
    try {
      kernel = readFileSync(outPath, 'utf8').trim();
    } catch {
      /* an unreadable output is reported below */
    }
    const withFeatures = features.length > 0 ? ` with the features {${features.join(', ')}}` : '';
    return {
      recognised: false,
      result: {
        ...base,
        ok: true,
        ...(kernel !== '' ? { kernel } : {}),
        summary: `built ${system}${withFeatures} on ${builder ?? 'the builder'} in ${(durationMs / 1000).toFixed(1)} s: ${kernel || outPath}`,
      },
    };
  }
  if (result.timedOut || result.aborted) {
    return {
      recognised: false,
      result: {
        ...base,
        ok: false,
        cause: 'builder-unresponsive',
        summary: result.aborted
          ? 'the test build was cancelled'
          : `the test build did not finish within ${timeoutMs} ms (Nix sets no SSH ConnectTimeout: a hung builder blocks it forever)`,
        ...withFix('builder-unresponsive', ctx),
      },
    };
  }
  if (result.spawnError !== undefined) {
    return {
      recognised: false,
      result: {
        ...base,
        ok: false,
        cause: 'unknown',
        summary: `could not run nix-build: ${result.spawnError}`,
      },
    };
  }
  const found = classifyStderr(result.stderr);
  const symptom =
    found !== null
      ? `"${found.matched}"`
      : (describeNixWrapper(result.stderr) ?? result.stderr.trim().split('\n').pop() ?? 'nix-build failed');
  if (found === null && features.length > 0 && NO_MACHINE.test(result.stderr)) {
    const line =
      result.stderr
        .split('\n')
        .find((l) => NO_MACHINE.test(l))
        ?.trim() ?? symptom;
    const fix = fixFor('missing-features', { ...fixFacts(ctx), text: { system, features: [...features] } });
    return {
      symptom: `"${line}"`,
      recognised: true,
      result: {
        ...base,
        ok: false,
        cause: 'missing-features',
        summary: `the test build failed: "${line}": no builder for ${system} offers all of the features {${features.join(', ')}} (if \`test\` without --features fails too, no builder takes ${system} at all)`,
        ...(fix ? { fix } : {}),
      },
    };
  }
  if (found !== null) {
    return {
      symptom,
      recognised: true,
      result: {
        ...base,
        ok: false,
        cause: found.cause,
        summary: `the test build failed: ${symptom}: ${found.explanation}`,
        ...withFix(found.cause, ctx),
      },
    };
  }
  return {
    symptom,
    recognised: false,
    result: { ...base, ok: false, cause: 'unknown', summary: `the test build failed: ${symptom}` },
  };
}

function withFix(cause: CauseId, ctx: ProbeContext): { fix?: ProbeFix } {
  const fix = fixFor(cause, fixFacts(ctx));
  return fix ? { fix } : {};
}
