/**
 * nix-darwin's builder VM runs as the launchd daemon org.nixos.linux-builder (docs/dev/domain.md#what-enabling-the-builder-generates).
 * `launchctl` only exists on macOS: elsewhere this probe is skipped and never decides the verdict;
 * whether the VM answers is decided by the TCP and SSH probes.
 */
import { existsSync } from 'node:fs';
import type { ProbeDefinition } from '../context.js';
import { commandEvidence } from '../context.js';
import { isNotInstalled } from '../exec.js';
import { NIX_DARWIN_HOSTS, realPath, skip } from './common.js';

export const LABEL = 'org.nixos.linux-builder';

export const launchdServiceProbe: ProbeDefinition = {
  id: 'launchd-service',
  title: 'Builder VM service (launchd)',
  requires: [],
  after: ['machines-file'],
  async run(ctx) {
    const plist = ctx.paths.nixDarwinBuilderPlist;
    const plistExists = existsSync(plist);
    const target = ctx.facts.target;
    const relevant = plistExists || (target !== undefined && NIX_DARWIN_HOSTS.includes(target.host));
    if (plistExists) ctx.facts.nixDarwinBuilder = true;
    const result = await ctx.run(['launchctl', 'print', `system/${LABEL}`], 3000);
    if (isNotInstalled(result))
      return skip('launchctl not found: not macOS, so there is no launchd service to check', [
        commandEvidence(result),
      ]);
    if (!relevant)
      return skip(`the builder ${target?.host ?? ''} is not nix-darwin's linux-builder`.replace('  ', ' '), [
        { file: plist, detail: 'absent' },
      ]);
    const evidence = [
      commandEvidence(
        result,
        result.exitCode === 0
          ? result.stdout
              .split('\n')
              .filter((l) => /^\s*(state|pid|last exit code|path) =/.test(l))
              .map((l) => l.trim())
              .join('; ')
          : undefined,
      ),
      { file: plist, detail: plistExists ? 'exists' : 'absent' },
    ];
    if (result.exitCode !== 0) {
      return {
        status: 'warn',
        cause: 'builder-down',
        summary: `launchd has no ${LABEL} loaded (${result.stderr.trim().split('\n')[0] ?? `exit ${result.exitCode ?? 'none'}`}); plist ${realPath(ctx, plist)} ${plistExists ? 'exists' : 'is absent'}`,
        evidence,
      };
    }
    ctx.facts.nixDarwinBuilder = true;
    const state = /^\s*state = (\S+)/m.exec(result.stdout)?.[1] ?? 'unknown';
    const pid = /^\s*pid = (\d+)/m.exec(result.stdout)?.[1];
    if (state !== 'running') {
      return {
        status: 'warn',
        cause: 'builder-down',
        summary: `${LABEL} is loaded but ${state} (KeepAlive restarts it; see the port probe)`,
        evidence,
        fix: {
          summary: 'Restart the builder VM.',
          commands: [`sudo launchctl kickstart -k system/${LABEL}`],
        },
      };
    }
    return {
      status: 'ok',
      summary: `${LABEL} is running${pid !== undefined ? ` (pid ${pid})` : ''}`,
      evidence,
    };
  },
};
