/** Resolve the host name ssh will connect to (after the Host block's HostName), with a timeout. */
import { lookup } from 'node:dns/promises';
import type { ProbeDefinition } from '../context.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../context.js';
import { failure, skip } from './common.js';

export const hostnameResolutionProbe: ProbeDefinition = {
  id: 'hostname-resolution',
  title: 'Host name resolution',
  requires: ['ssh-effective-config'],
  // launchd-service: whether the builder is nix-darwin's decides the hostname-unresolved fix.
  after: ['ssh-config-include', 'launchd-service'],
  async run(ctx) {
    const eff = ctx.facts.effective;
    const target = ctx.facts.target;
    if (eff === undefined || target === undefined) return skip('no effective ssh settings');
    if (eff.proxy !== undefined) return skip(`ssh reaches ${eff.hostname} through ${eff.proxy}; it is not resolved here`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), Math.min(DEFAULT_CONNECT_TIMEOUT_MS, ctx.remainingMs())); });
    try {
      const answer = await Promise.race([lookup(eff.hostname, { all: true }), timeout]);
      if (answer === 'timeout') {
        return failure(ctx, 'hostname-unresolved', `resolving ${eff.hostname} took longer than ${DEFAULT_CONNECT_TIMEOUT_MS} ms`, [{ detail: `getaddrinfo(${eff.hostname}) timed out` }]);
      }
      ctx.facts.addresses = answer.map((a) => a.address);
      return { status: 'ok', summary: `${eff.hostname} → ${ctx.facts.addresses.join(', ')}`, evidence: [{ detail: `getaddrinfo(${eff.hostname}) → ${ctx.facts.addresses.join(', ')}` }] };
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).message;
      const mapping = eff.hostname === target.host ? ` (no Host block maps ${target.host} to another name)` : '';
      return failure(ctx, 'hostname-unresolved', `ssh cannot resolve ${eff.hostname}${mapping}: ${code}`, [{ detail: `getaddrinfo(${eff.hostname}) → ${code}; ssh would print: ssh: Could not resolve hostname ${eff.hostname}` }]);
    } finally {
      clearTimeout(timer);
    }
  },
};
