/** Nix version and whether a daemon socket exists (the daemon, as root, makes builder connections). */
import { existsSync } from 'node:fs';
import type { ProbeDefinition } from '../context.js';
import { commandEvidence } from '../context.js';
import { isNotInstalled } from '../exec.js';
import { directiveWarnings } from './common.js';

export const nixInstallProbe: ProbeDefinition = {
  id: 'nix-install',
  title: 'Nix installation and daemon',
  checks: 'Nix version, daemon socket',
  verdicts: '—',
  requires: [],
  async run(ctx) {
    const result = await ctx.run(['nix', '--version'], 5000, { env: ctx.nixEnv() });
    if (isNotInstalled(result) || result.exitCode !== 0) {
      return {
        status: 'fail',
        cause: 'unknown',
        summary: isNotInstalled(result)
          ? 'nix is not on PATH'
          : `nix --version failed (exit ${result.exitCode ?? 'none'})`,
        evidence: [commandEvidence(result)],
        fix: { summary: 'Install Nix (multi-user) first; the builder is used by the nix-daemon.' },
      };
    }
    const version = parseNixVersion(result.stdout);
    ctx.facts.nixVersion = version;
    const socket = ctx.paths.sys('/nix/var/nix/daemon-socket/socket');
    const daemon = existsSync(socket);
    return {
      status: 'ok',
      summary: `${result.stdout.trim()}; ${daemon ? 'daemon socket present (multi-user: the root daemon connects to builders)' : 'no daemon socket (single-user: this user connects to builders)'}`,
      evidence: [
        commandEvidence(result, `stdout: ${result.stdout.trim()}`),
        { file: socket, detail: daemon ? 'exists' : 'absent' },
        ...directiveWarnings(ctx, 'nix'),
      ],
    };
  },
};

/** "nix (Nix) 2.8.0", "nix (Determinate Nix 3.6.2) 2.29.0", "nix (Lix, like Nix) 2.91.1": the Nix version is the last one. */
export function parseNixVersion(stdout: string): string {
  const versions = stdout.match(/\d+\.\d+(\.\d+)?[^\s)]*/g) ?? [];
  return versions[versions.length - 1] ?? stdout.trim();
}

/** Parse "2.8.0" / "2.31.2+1" into comparable numbers. */
export function nixVersionAtLeast(version: string | undefined, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return false;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj > major || (maj === major && min >= minor);
}

/**
 * Nix 2.31.0 to 2.31.2 skip SSH for any store URI whose host is `localhost`, with a user or a port
 * too, and run the "remote" side on this machine (NixOS/nix#14148, fixed by #14150 in 2.31.3 and
 * 2.32.0; docs/dev/domain.md#how-nix-connects-to-a-remote-builder).
 */
export function skipsSshForLocalhost(version: string | undefined): boolean {
  const m = /^2\.31\.(\d+)/.exec(version ?? '');
  return m !== null && Number(m[1]) <= 2;
}
