/**
 * Which ssh_config files root's ssh reads, and whether the builder's Host block is among them:
 * `/etc/ssh/ssh_config.d/*.conf` counts only through an Include in /etc/ssh/ssh_config or root's
 * own ~/.ssh/config (docs/dev/domain.md#how-nix-connects-to-a-remote-builder, docs/dev/domain.md#wrong-fixes). Runs after ssh -G so a block that does apply in a way this
 * reading cannot see (Match exec, …) is not reported as missing.
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import type { Evidence } from '../../protocol/probes.js';
import { adminOutcome, type ProbeDefinition } from '../context.js';
import { describeSshSetting } from '../redact.js';
import { readConfigChain } from '../sshConfig.js';
import { failure, realPath, skip, whyBlockNotRead } from './common.js';

function readable(dir: string): boolean {
  try {
    accessSync(dir, constants.R_OK | constants.X_OK);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'ENOENT';
  }
}

export const sshConfigIncludeProbe: ProbeDefinition = {
  id: 'ssh-config-include',
  title: 'ssh_config Include coverage for root',
  checks:
    'which ssh_config files root reads, and whether `ssh_config.d/100-linux-builder.conf` is among them',
  verdicts: '`ssh-config-not-included`',
  requires: ['machines-file'],
  after: ['ssh-effective-config'],
  run(ctx) {
    const target = ctx.facts.target;
    if (target === undefined) return Promise.resolve(skip('no SSH builder to check'));
    const reading = ctx.facts.reading ?? readConfigChain(ctx.paths, target.host);
    ctx.facts.reading = reading;
    const evidence: Evidence[] = [
      {
        file: ctx.paths.rootSshConfig,
        detail: reading.userConfigExists ? "read first (root's own config)" : 'absent',
      },
      {
        file: ctx.paths.sshSystemConfig,
        detail: reading.systemConfigExists
          ? `read second; Includes: ${
              reading.includes
                .filter((i) => i.file === ctx.paths.sshSystemConfig)
                .map((i) => `${i.argument} → ${i.matched.length} file(s)`)
                .join(', ') || 'none'
            }`
          : 'absent',
      },
      {
        detail: `files read for ${target.host}: ${reading.filesRead.map((f) => realPath(ctx, f)).join(', ') || 'none'}`,
      },
    ];
    for (const block of reading.blocksRead)
      evidence.push({
        file: block.file,
        detail: `Host ${block.patterns.join(' ')} (read): ${Object.entries(block.settings)
          .map(([k, v]) => describeSshSetting(k, v))
          .join(', ')}`,
      });
    for (const block of reading.blocksUnread)
      evidence.push({
        file: block.file,
        detail: `Host ${block.patterns.join(' ')} (NOT read): ${Object.entries(block.settings)
          .map(([k, v]) => describeSshSetting(k, v))
          .join(', ')}`,
      });
    if (reading.blocksRead.length > 0) {
      const block = reading.blocksRead[0];
      return Promise.resolve({
        status: 'ok',
        summary: `root's ssh reads the Host block for ${target.host} in ${realPath(ctx, block?.file ?? '')}`,
        evidence,
      });
    }
    const eff = ctx.facts.effective;
    const mapped = eff !== undefined && eff.hostname.toLowerCase() !== target.host.toLowerCase();
    if (
      reading.blocksUnread.length > 0 &&
      !mapped &&
      ctx.needsSudo &&
      !readable(join(ctx.paths.rootHome, '.ssh'))
    ) {
      // Root's own config may well include the block; only root can tell.
      const argv = ['ssh', '-G', '--', target.host];
      const outcome = adminOutcome(
        ctx,
        argv,
        `the Host block in ${realPath(ctx, reading.blocksUnread[0]?.file ?? '')} is not included by ${realPath(ctx, ctx.paths.sshSystemConfig)}; whether root's own ${realPath(ctx, ctx.paths.rootSshConfig)} includes it only root can see`,
        evidence,
      );
      if (outcome.fix?.commands !== undefined)
        outcome.fix.summary = `Run: ${outcome.fix.commands.join(' ')} (hostname localhost and port 31022 mean the block applies)`;
      return Promise.resolve(outcome);
    }
    if (reading.blocksUnread.length > 0 && !mapped) {
      const block = reading.blocksUnread[0];
      const blockFile = realPath(ctx, block?.file ?? '');
      const observed =
        eff !== undefined ? `ssh -G ${target.host} → hostname ${eff.hostname}, port ${eff.port}: ` : '';
      const why = whyBlockNotRead(ctx, reading);
      // ssh -G is the proof; the file reading explains it.
      const proof = ctx.results.get('ssh-effective-config')?.evidence[0];
      if (proof !== undefined) evidence.unshift(proof);
      return Promise.resolve(
        failure(
          ctx,
          'ssh-config-not-included',
          `${observed}the Host block in ${blockFile} is not read, because ${why}`,
          evidence,
          { hostBlockFile: blockFile },
        ),
      );
    }
    if (mapped)
      return Promise.resolve({
        status: 'ok',
        summary: `no plain Host block for ${target.host}, but ssh maps it to ${eff.hostname} (Match or CanonicalizeHostname)`,
        evidence,
      });
    return Promise.resolve({
      status: 'ok',
      summary: `no Host block for ${target.host} in any ssh config: ssh uses the name as written`,
      evidence,
    });
  },
};
