/** Resolve the host name ssh will connect to (after the Host block's HostName), with a timeout. */
import type { ProbeContext, ProbeDefinition } from '../context.js';
import { commandEvidence, DEFAULT_CONNECT_TIMEOUT_MS } from '../context.js';
import { lookupName, type NameAnswer } from '../nameLookup.js';
import { failure, skip } from './common.js';

/** The answer for the name ssh connects to, and the bound it had. */
interface Resolved {
  limit: number;
  answer: NameAnswer;
}

/** getaddrinfo for ssh's host name (nameLookup.ts); undefined when ssh does not resolve it here. */
async function resolveTarget(ctx: ProbeContext, signal?: AbortSignal): Promise<Resolved | undefined> {
  const eff = ctx.facts.effective;
  if (eff === undefined || ctx.facts.target === undefined || eff.proxy !== undefined) return undefined;
  const limit = Math.min(DEFAULT_CONNECT_TIMEOUT_MS, ctx.remainingMs());
  const signals = [ctx.signal, signal].filter((s): s is AbortSignal => s !== undefined);
  const answer = await lookupName(
    eff.hostname,
    limit,
    signals.length > 1 ? AbortSignal.any(signals) : signals[0],
    ctx.env,
    (argv, timeoutMs, env) => ctx.run(argv, timeoutMs, { env, signal }),
    ctx.lookupNamesInChild,
  );
  return { limit, answer };
}

export const hostnameResolutionProbe: ProbeDefinition<Resolved> = {
  id: 'hostname-resolution',
  title: 'Host name resolution',
  checks: 'the host name ssh will connect to resolves',
  verdicts: '`hostname-unresolved`',
  requires: ['ssh-effective-config'],
  // launchd-service: whether the builder is nix-darwin's decides the hostname-unresolved fix.
  after: ['ssh-config-include', 'launchd-service'],
  // The name and the bound are known once ssh -G ran: resolve it then, while launchctl still runs;
  // what launchd-service finds only shapes the fix.
  early: {
    after: ['ssh-effective-config'],
    start: (ctx, signal) => resolveTarget(ctx, signal),
  },
  async run(ctx, early) {
    const eff = ctx.facts.effective;
    const target = ctx.facts.target;
    if (eff === undefined || target === undefined) return skip('no effective ssh settings');
    if (eff.proxy !== undefined)
      return skip(`ssh reaches ${eff.hostname} through ${eff.proxy}; it is not resolved here`);
    const resolved = early ?? (await resolveTarget(ctx));
    if (resolved === undefined) return skip('no effective ssh settings');
    const { limit, answer } = resolved;
    if (answer.kind === 'aborted')
      return {
        status: 'fail',
        cause: 'unknown',
        summary: `resolving ${eff.hostname} was cancelled`,
        evidence: [],
      };
    if (answer.kind === 'timeout') {
      return failure(
        ctx,
        'hostname-unresolved',
        `resolving ${eff.hostname} did not finish within ${limit} ms: the name server does not answer`,
        [
          {
            detail: `getaddrinfo(${eff.hostname}) gave no answer within ${limit} ms (stopped); ssh would wait for the resolver's own timeouts, then print: ssh: Could not resolve hostname ${eff.hostname}`,
          },
        ],
      );
    }
    if (answer.kind === 'addresses') {
      ctx.facts.addresses = answer.addresses;
      return {
        status: 'ok',
        summary: `${eff.hostname} → ${answer.addresses.join(', ')}`,
        evidence: [{ detail: `getaddrinfo(${eff.hostname}) → ${answer.addresses.join(', ')}` }],
      };
    }
    if (answer.kind === 'failed') {
      const result = answer.result;
      return {
        status: 'fail',
        cause: 'unknown',
        summary: `could not resolve ${eff.hostname}: the resolver process failed (exit ${result.exitCode ?? 'none'}${result.spawnError !== undefined ? `, ${result.spawnError}` : ''})`,
        evidence: [commandEvidence(result)],
      };
    }
    const code = answer.code;
    const mapping =
      eff.hostname === target.host ? ` (no Host block maps ${target.host} to another name)` : '';
    return failure(ctx, 'hostname-unresolved', `ssh cannot resolve ${eff.hostname}${mapping}: ${code}`, [
      {
        detail: `getaddrinfo(${eff.hostname}) → ${code}; ssh would print: ssh: Could not resolve hostname ${eff.hostname}`,
      },
    ]);
  },
};
