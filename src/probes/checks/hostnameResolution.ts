/** Resolve the host name ssh will connect to (after the Host block's HostName), with a timeout. */
import type { ProbeDefinition } from '../context.js';
import { commandEvidence, DEFAULT_CONNECT_TIMEOUT_MS } from '../context.js';
import { failure, skip } from './common.js';

/** Run by this runtime in a child process: getaddrinfo (what ssh uses) for argv[1], as JSON. */
const LOOKUP_SCRIPT =
  "require('node:dns').lookup(process.argv[1], { all: true }, (e, a) => process.stdout.write(JSON.stringify(e ? { code: e.code ?? e.message } : { addresses: a.map((x) => x.address) })))";

export const hostnameResolutionProbe: ProbeDefinition = {
  id: 'hostname-resolution',
  title: 'Host name resolution',
  checks: 'the host name ssh will connect to resolves',
  verdicts: '`hostname-unresolved`',
  requires: ['ssh-effective-config'],
  // launchd-service: whether the builder is nix-darwin's decides the hostname-unresolved fix.
  after: ['ssh-config-include', 'launchd-service'],
  async run(ctx) {
    const eff = ctx.facts.effective;
    const target = ctx.facts.target;
    if (eff === undefined || target === undefined) return skip('no effective ssh settings');
    if (eff.proxy !== undefined)
      return skip(`ssh reaches ${eff.hostname} through ${eff.proxy}; it is not resolved here`);
    const limit = Math.min(DEFAULT_CONNECT_TIMEOUT_MS, ctx.remainingMs());
    // getaddrinfo cannot be abandoned in this process: a resolver that never answers would hold a
    // thread-pool thread and keep the CLI alive for the resolver's own timeouts (15 s and more).
    // In a child process it is killed at the bound, and nothing here waits for it.
    const env: NodeJS.ProcessEnv = { ...ctx.env, ELECTRON_RUN_AS_NODE: '1' };
    delete env.NODE_OPTIONS;
    const result = await ctx.run([process.execPath, '-e', LOOKUP_SCRIPT, '--', eff.hostname], limit, { env });
    if (result.aborted)
      return {
        status: 'fail',
        cause: 'unknown',
        summary: `resolving ${eff.hostname} was cancelled`,
        evidence: [],
      };
    if (result.timedOut) {
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
    let answer: { addresses?: string[]; code?: string } = {};
    try {
      answer = JSON.parse(result.stdout) as typeof answer;
    } catch {
      /* reported below */
    }
    if (answer.addresses !== undefined) {
      ctx.facts.addresses = answer.addresses;
      return {
        status: 'ok',
        summary: `${eff.hostname} → ${answer.addresses.join(', ')}`,
        evidence: [{ detail: `getaddrinfo(${eff.hostname}) → ${answer.addresses.join(', ')}` }],
      };
    }
    if (answer.code === undefined) {
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
