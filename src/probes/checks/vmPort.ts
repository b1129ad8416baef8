/**
 * TCP connect to the port ssh will use, then read the SSH banner, each bounded: tells apart a VM
 * that is down (refused), booting (accepts then closes or resets) and hung (accepts, never speaks:
 * Nix would wait forever, docs/dev/domain.md#how-nix-connects-to-a-remote-builder).
 */
import { Socket } from 'node:net';
import type { ProbeDefinition } from '../context.js';
import { DEADLINE, DEFAULT_CONNECT_TIMEOUT_MS } from '../context.js';
import { failure, NIX_DARWIN_HOSTS, skip } from './common.js';

export type PortOutcome =
  /** bannerMs: from the accepted connection to the banner's end of line. */
  | { kind: 'banner'; banner: string; connectMs: number; bannerMs: number }
  | { kind: 'refused'; code: string }
  | { kind: 'connect-timeout' }
  | { kind: 'closed'; connectMs: number }
  | { kind: 'reset'; connectMs: number }
  | { kind: 'silent'; connectMs: number; waitedMs: number }
  | { kind: 'not-ssh'; data: string; connectMs: number }
  /** The first bytes were the start of an SSH banner, but its line did not end in time. */
  | { kind: 'partial-banner'; data: string; connectMs: number; waitedMs: number }
  | { kind: 'error'; code: string };

/**
 * Connect and wait for the first line; every path ends within connectMs + bannerMs. Bytes that can
 * still become `SSH-…` are waited for, however slowly they come: a slow sshd is not another service.
 */
export function checkPort(
  host: string,
  port: number,
  connectMs: number,
  bannerMs: number,
  signal?: AbortSignal,
): Promise<PortOutcome> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const started = Date.now();
    let connectedAt = 0;
    let data = '';
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: PortOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(outcome);
    };
    // Cut short by the run's deadline after the port accepted: what we saw is still a silent port.
    // Cancelled by the user: stop without a finding.
    const onAbort = (): void => {
      const waitedMs = Date.now() - started - connectedAt;
      if (signal?.reason !== DEADLINE || connectedAt === 0) finish({ kind: 'error', code: 'cancelled' });
      else
        finish(
          data === ''
            ? { kind: 'silent', connectMs: connectedAt, waitedMs }
            : { kind: 'partial-banner', data, connectMs: connectedAt, waitedMs },
        );
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(() => finish({ kind: 'connect-timeout' }), connectMs);
    socket.on('connect', () => {
      connectedAt = Date.now() - started;
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          finish(
            data === ''
              ? { kind: 'silent', connectMs: connectedAt, waitedMs: bannerMs }
              : { kind: 'partial-banner', data, connectMs: connectedAt, waitedMs: bannerMs },
          ),
        bannerMs,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      const newline = data.indexOf('\n');
      if (data.startsWith('SSH-') && newline >= 0)
        finish({
          kind: 'banner',
          banner: data.slice(0, newline).trim(),
          connectMs: connectedAt,
          bannerMs: Date.now() - started - connectedAt,
        });
      else if (!'SSH-'.startsWith(data.slice(0, 4)) || data.length > 255)
        finish({ kind: 'not-ssh', data: data.slice(0, 80), connectMs: connectedAt });
    });
    socket.on('end', () =>
      finish(
        data.startsWith('SSH-')
          ? {
              kind: 'banner',
              banner: data.trim(),
              connectMs: connectedAt,
              bannerMs: Date.now() - started - connectedAt,
            }
          : { kind: 'closed', connectMs: connectedAt },
      ),
    );
    socket.on('close', () =>
      finish(
        connectedAt > 0 ? { kind: 'closed', connectMs: connectedAt } : { kind: 'error', code: 'closed' },
      ),
    );
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? error.message;
      // A reset can arrive before Node reports the connect; it still means the handshake completed.
      if (code === 'ECONNRESET')
        finish({ kind: 'reset', connectMs: connectedAt > 0 ? connectedAt : Date.now() - started });
      else if (connectedAt > 0) finish({ kind: 'closed', connectMs: connectedAt });
      else if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
        finish({ kind: 'refused', code });
      else finish({ kind: 'error', code });
    });
    socket.connect({ host, port });
  });
}

/**
 * How long the port probe waits for a banner before calling the VM hung. Longer than ssh's
 * ConnectTimeout (DEFAULT_CONNECT_TIMEOUT_MS, 3 s), so a banner that comes late (a busy VM, `SS`
 * then the rest after 3 s) is a slow VM and not a hung one; short enough that a whole probe run
 * against a hung VM ends within 6 s (issue 7's and 8's bound: "hung ≤ 6 s"; 10 s here made it
 * 10–11.75 s).
 */
export const BANNER_PATIENCE_MS = 5_000;

export const vmPortProbe: ProbeDefinition = {
  id: 'vm-port',
  title: 'Builder SSH port',
  // From the constants, so the README row (generated from this) says what the probe does.
  checks: `TCP connect and SSH banner: refused / accepts-then-closes / never speaks (waits ${BANNER_PATIENCE_MS / 1000} s; a banner after ${DEFAULT_CONNECT_TIMEOUT_MS / 1000} s is a slow VM, a warning, and the later ssh probes allow it the same time)`,
  verdicts: '`builder-down`, `builder-booting`, `builder-unresponsive`',
  requires: ['hostname-resolution'],
  after: ['launchd-service'],
  async run(ctx) {
    const eff = ctx.facts.effective;
    if (eff === undefined) return skip('no effective ssh settings');
    if (eff.proxy !== undefined)
      return skip(`ssh connects through ${eff.proxy}; the port is not reachable directly`);
    const addresses = ctx.facts.addresses ?? [eff.hostname];
    const where = `${eff.hostname}:${eff.port}`;
    // Nix sets no ConnectTimeout, so a banner that comes late still works for it: wait well past
    // ssh's usual timeout before calling the VM hung (the run's deadline still bounds the wait).
    const bannerMs = BANNER_PATIENCE_MS;
    let last: PortOutcome = { kind: 'error', code: 'no address' };
    let lastAddress = addresses[0] ?? eff.hostname;
    // ssh tries each address in turn (e.g. ::1 then 127.0.0.1); so do we, stopping at the first that accepts.
    for (const address of addresses) {
      const connectMs = Math.min(DEFAULT_CONNECT_TIMEOUT_MS, ctx.remainingMs());
      // The banner wait is not shortened here: the run's deadline aborts it (and checkPort reports what it saw).
      last = await checkPort(address, eff.port, connectMs, bannerMs, ctx.signal);
      lastAddress = address;
      if (last.kind !== 'refused' && last.kind !== 'error') break;
    }
    const at = `${lastAddress} port ${eff.port}`;
    // nix-darwin's VM is reached on localhost:31022; port 22 on localhost is the Mac itself.
    const target = ctx.facts.target;
    const portHint =
      eff.port === 22 &&
      /^(localhost|127\.0\.0\.1|::1)$/.test(eff.hostname) &&
      target !== undefined &&
      NIX_DARWIN_HOSTS.includes(target.host)
        ? ` (note: ssh uses port 22 of this Mac, not the VM's 31022: root's Host block for ${target.host} sets no Port)`
        : '';
    switch (last.kind) {
      case 'banner': {
        const evidence = [
          {
            detail: `TCP connect ${at} → accepted after ${last.connectMs} ms; banner ${last.banner} after ${last.bannerMs} ms`,
          },
        ];
        if (last.bannerMs <= DEFAULT_CONNECT_TIMEOUT_MS)
          return { status: 'ok', summary: `${where} answers: ${last.banner}`, evidence };
        // Slow, but SSH: later probes allow ssh the same time (facts.bannerMs).
        ctx.facts.bannerMs = last.bannerMs;
        return {
          status: 'warn',
          summary: `${where} answers SSH (${last.banner}), but its banner took ${(last.bannerMs / 1000).toFixed(1)} s: the VM is slow (busy or still starting); Nix, which sets no ConnectTimeout, waits for it, while ssh -o ConnectTimeout=${Math.ceil(DEFAULT_CONNECT_TIMEOUT_MS / 1000)} would give up`,
          evidence,
        };
      }
      case 'partial-banner':
        return failure(
          ctx,
          'builder-unresponsive',
          `${where} started an SSH banner (${JSON.stringify(last.data.slice(0, 40))}) but did not finish its line within ${last.waitedMs} ms: the VM hangs`,
          [
            {
              detail: `TCP connect ${at} → accepted after ${last.connectMs} ms; first bytes ${JSON.stringify(last.data.slice(0, 80))}, no end of line within ${last.waitedMs} ms`,
            },
          ],
        );
      case 'refused':
        return failure(
          ctx,
          'builder-down',
          `${where} refuses connections (${last.code}): the builder VM is not running${portHint}`,
          [
            {
              detail: `TCP connect ${at} → ${last.code}; ssh prints: ssh: connect to host ${eff.hostname} port ${eff.port}: Connection refused`,
            },
          ],
        );
      case 'connect-timeout':
        return failure(
          ctx,
          'builder-unresponsive',
          `${where} does not answer a TCP connect within ${DEFAULT_CONNECT_TIMEOUT_MS} ms`,
          [{ detail: `TCP connect ${at} → no answer in ${DEFAULT_CONNECT_TIMEOUT_MS} ms` }],
        );
      case 'closed':
      case 'reset':
        return failure(
          ctx,
          'builder-booting',
          `${where} accepts connections but ${last.kind === 'reset' ? 'resets' : 'closes'} them before sending an SSH banner: the VM is booting or its sshd is not up`,
          [
            {
              detail: `TCP connect ${at} → accepted after ${last.connectMs} ms, then ${last.kind === 'reset' ? 'reset' : 'closed'} with no banner; ssh prints: kex_exchange_identification: ${last.kind === 'reset' ? 'read: Connection reset by peer' : 'Connection closed by remote host'}`,
            },
          ],
        );
      case 'silent':
        return failure(
          ctx,
          'builder-unresponsive',
          `${where} accepts connections but sends no SSH banner within ${last.waitedMs} ms: the VM hangs (Nix, which sets no ConnectTimeout, would wait forever)`,
          [
            {
              detail: `TCP connect ${at} → accepted after ${last.connectMs} ms; no banner within ${last.waitedMs} ms; ssh with ConnectTimeout prints: Connection timed out during banner exchange`,
            },
          ],
        );
      case 'not-ssh':
        return failure(
          ctx,
          'builder-unresponsive',
          `${where} answers, but not with SSH (${JSON.stringify(last.data.slice(0, 40))}): another service holds the port`,
          [{ detail: `TCP connect ${at} → first bytes ${JSON.stringify(last.data.slice(0, 80))}` }],
        );
      case 'error':
        return {
          status: 'fail',
          cause: 'unknown',
          summary: `connecting to ${where} failed: ${last.code}`,
          evidence: [{ detail: `TCP connect ${at} → ${last.code}` }],
        };
    }
  },
};
