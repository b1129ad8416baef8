/**
 * Nix on the builder, reached the way Nix reaches it: `nix store info` (`store ping` before 2.19)
 * through Nix's own SSH store, which starts the remote program (`nix-daemon --stdio` for ssh-ng,
 * `nix-store --serve` for ssh) on the builder and reports whether the builder trusts the user
 * (newer Nix). Only when Nix fails is the remote program run directly over ssh, whose own words
 * ("command not found") say what Nix's error may not.
 */
import type { Evidence } from '../../protocol/probes.js';
import type { BuilderTarget, ProbeContext, ProbeDefinition, ProbeOutcome } from '../context.js';
import type { CommandResult } from '../exec.js';
import { commandEvidence, needsAdmin, sshTimeouts } from '../context.js';
import { classifyStderr, describeNixWrapper } from '../stderrClassifier.js';
import { describeTarget, failure, skip } from './common.js';
import { nixVersionAtLeast, skipsSshForLocalhost } from './nixInstall.js';
import { nixJoinsSharedSsh } from '../sharedSsh.js';

/** The store URI with the machines entry's key and host key as store parameters (what build-remote passes). */
export function storeUriFor(target: BuilderTarget): string {
  const params: string[] = [];
  if (target.sshKey !== undefined) params.push(`ssh-key=${encodeURIComponent(target.sshKey)}`);
  if (target.entry?.publicHostKeyBase64 !== undefined)
    params.push(`base64-ssh-public-host-key=${encodeURIComponent(target.entry.publicHostKeyBase64)}`);
  if (params.length === 0) return target.uri;
  return `${target.uri}${target.uri.includes('?') ? '&' : '?'}${params.join('&')}`;
}

/**
 * What the checks started early found: Nix's answer over the shared connection, or (where Nix is
 * not asked: NixOS/nix#14148) the direct check.
 */
interface EarlyChecks {
  direct?: CommandResult;
  asked?: CommandResult;
}

/** The remote program's argv, `nix store info|ping`'s, and what the checks run with: all from the facts. */
function remoteCommands(ctx: ProbeContext, target: BuilderTarget) {
  const program = target.scheme === 'ssh' ? ['nix-store', '--version'] : ['nix-daemon', '--version'];
  const { connectTimeoutS, commandMs } = sshTimeouts(ctx.facts);
  const argv = ctx.nixLikeSshArgv(target, program, connectTimeoutS);
  // `store info` is the Nix 2.19+ name of `store ping`; try the other name if this Nix does not know one.
  const sub = nixVersionAtLeast(ctx.facts.nixVersion, 2, 19) ? 'info' : 'ping';
  const storeArgv = (name: string): string[] =>
    ctx.asRoot([
      'nix',
      '--extra-experimental-features',
      'nix-command',
      'store',
      name,
      '--store',
      storeUriFor(target),
    ]);
  // Nix's ssh joins the same connection through NIX_SSHOPTS where this Nix allows it.
  const shared = nixJoinsSharedSsh(ctx.facts.nixVersion) ? ('nix' as const) : undefined;
  // On these versions `nix store info --store ssh-ng://…@localhost…` asks the LOCAL daemon and
  // "succeeds": what ssh reaches is not what Nix would use, so Nix is not asked at all (below).
  const skipsSsh = target.host === 'localhost' && skipsSshForLocalhost(ctx.facts.nixVersion);
  return { program, argv, commandMs, sub, storeArgv, shared, skipsSsh };
}

export const remoteNixProbe: ProbeDefinition<EarlyChecks> = {
  id: 'remote-nix',
  title: 'Nix on the builder',
  checks:
    "`nix store info` through Nix's SSH store, which starts `nix-daemon --stdio` / `nix-store --serve` on the builder, and trust; when Nix fails, the remote program run directly over ssh; not on Nix 2.31.0–2.31.2 with a `localhost` host, which skip SSH and would ask the local daemon (NixOS/nix#14148)",
  verdicts: '`remote-nix-missing`, `builder-untrusted`, `localhost-skips-ssh`',
  requires: ['ssh-login'],
  // The checks need the builder, Nix's version and the banner delay, as the login has them, and
  // nothing the login finds but its verdict: over the connection opened ahead (sharedSsh.ts) they
  // start as soon as it is up, alongside the login, and are decided on once the login passed.
  // Where it did not open, or Nix cannot join it, they wait for the login.
  early: {
    after: ['ssh-effective-config', 'hostname-resolution', 'vm-port'],
    async start(ctx, signal) {
      const target = ctx.facts.target;
      if (target === undefined || !(await ctx.sharedSshUp())) return undefined;
      const { argv, commandMs, sub, storeArgv, shared, skipsSsh } = remoteCommands(ctx, target);
      if (skipsSsh) return { direct: await ctx.run(argv, commandMs, { shared: 'ssh', signal }) };
      if (shared === undefined) return undefined;
      return { asked: await ctx.run(storeArgv(sub), commandMs, { env: ctx.nixEnv(), shared, signal }) };
    },
  },
  async run(ctx, early) {
    const target = ctx.facts.target;
    if (target === undefined) return skip('no SSH builder to check');
    const { program, argv, commandMs, storeArgv, shared, skipsSsh, ...first } = remoteCommands(ctx, target);
    const checkDirectly = (): Promise<CommandResult> => ctx.run(argv, commandMs, { shared: 'ssh' });
    if (skipsSsh) {
      const direct = early?.direct ?? (await checkDirectly());
      const evidence = [directEvidence(direct)];
      const failed = directFailure(ctx, program, argv, direct, evidence);
      if (failed !== undefined) return failed;
      evidence.push({
        detail: `nix --version: ${ctx.facts.nixVersion ?? '?'} (NixOS/nix#14148 affects 2.31.0 to 2.31.2)`,
      });
      return failure(
        ctx,
        'localhost-skips-ssh',
        `Nix ${ctx.facts.nixVersion ?? '?'} does not use SSH for ${target.uri}: versions 2.31.0 to 2.31.2 treat any \`localhost\` host as this machine (NixOS/nix#14148), so builds meant for the builder run on this Mac, and \`nix store info\` would only ask the local daemon. ssh itself reaches the builder (above).`,
        evidence,
      );
    }
    // Nix first, as a build would reach the builder: where its SSH store answers, it ran the remote
    // program itself, and a direct check would only cost one more session on the critical path.
    let sub = first.sub;
    let store = early?.asked ?? (await ctx.run(storeArgv(sub), commandMs, { env: ctx.nixEnv(), shared }));
    if (
      store.exitCode !== 0 &&
      /is not a recogni[sz]ed command|unrecognised command|unrecognized command/i.test(store.stderr)
    ) {
      sub = sub === 'info' ? 'ping' : 'info';
      store = await ctx.run(storeArgv(sub), commandMs, { env: ctx.nixEnv(), shared });
    }
    // Nix 2.8 prints the store facts on stderr, newer versions on stdout: read both.
    const output = `${store.stdout}\n${store.stderr}`;
    if (store.exitCode === 0) {
      const evidence: Evidence[] = [
        commandEvidence(store, output.trim().replace(/\n/g, '; ')),
        {
          detail: `Nix's SSH store reached Nix on ${describeTarget(ctx)}: the remote program it starts there (${target.scheme === 'ssh' ? 'nix-store --serve' : 'nix-daemon --stdio'} unless the store URI names another) is on the builder user's PATH`,
        },
      ];
      const trusted = trustReported(output);
      if (trusted === false) {
        return failure(
          ctx,
          'builder-untrusted',
          `nix store ${sub} ${target.uri} → ${/^Trusted:.*$/m.exec(output)?.[0]?.trim() ?? 'Trusted: 0'}: the builder's Nix does not trust ${target.user ?? 'the SSH user'}`,
          evidence,
        );
      }
      const version = /^Version:\s*(\S+)/m.exec(output)?.[1];
      return {
        status: 'ok',
        summary: `${describeTarget(ctx)} runs Nix${version !== undefined ? ` ${version}` : ''}${trusted === true ? ', trusted' : ''}`,
        evidence,
      };
    }
    // Nix failed: the remote program asked directly says in its own words whether it is there,
    // which Nix's error often hides (docs/dev/domain.md#what-ssh-and-nix-print).
    const direct = await checkDirectly();
    const evidence = [directEvidence(direct)];
    const failed = directFailure(ctx, program, argv, direct, evidence);
    if (failed !== undefined) return failed;
    evidence.push(commandEvidence(store));
    const found = classifyStderr(store.stderr);
    if (found !== null)
      return failure(
        ctx,
        found.cause,
        `nix store ${sub} ${target.uri}: "${found.matched}": ${found.explanation}`,
        evidence,
      );
    return {
      status: 'fail',
      cause: 'unknown',
      summary: `nix store ${sub} ${target.uri} failed: ${describeNixWrapper(store.stderr) ?? store.stderr.trim().split('\n').pop() ?? ''}`,
      evidence,
    };
  },
};

/**
 * Whether `nix store info|ping` says the store trusts the user: its `Trusted:` line, `1`/`0` from
 * NixOS/nix and Lix, `true`/`false` from a fork; undefined where it prints none (Nix before 2.15,
 * the `ssh://` store) or something else (docs/dev/domain.md#what-ssh-and-nix-print).
 */
export function trustReported(output: string): boolean | undefined {
  const flag = /^Trusted:[ \t]*(\S+)[ \t]*$/m.exec(output)?.[1]?.toLowerCase();
  if (flag === '1' || flag === 'true') return true;
  if (flag === '0' || flag === 'false') return false;
  return undefined;
}

const directEvidence = (direct: CommandResult): Evidence =>
  commandEvidence(direct, direct.exitCode === 0 ? `remote: ${direct.stdout.trim()}` : undefined);

/** The outcome when the remote program, run directly over ssh, failed; undefined when it ran. */
function directFailure(
  ctx: ProbeContext,
  program: string[],
  argv: string[],
  direct: CommandResult,
  evidence: Evidence[],
): ProbeOutcome | undefined {
  if (direct.exitCode === 0) return undefined;
  const admin = needsAdmin(ctx, argv, 'Nix on the builder', direct);
  if (admin) return admin;
  const found = classifyStderr(direct.stderr);
  if (found !== null)
    return failure(
      ctx,
      found.cause,
      `${describeTarget(ctx)}: "${found.matched}": ${found.explanation}`,
      evidence,
    );
  if (direct.exitCode === 127)
    return failure(
      ctx,
      'remote-nix-missing',
      `${program[0]} is not on the builder user's PATH (exit 127)`,
      evidence,
    );
  return {
    status: 'fail',
    cause: 'unknown',
    summary: `${program.join(' ')} on ${describeTarget(ctx)} failed (exit ${direct.exitCode ?? 'none'})`,
    evidence,
  };
}
