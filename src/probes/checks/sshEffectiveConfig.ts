/**
 * What root's ssh will really use for the builder: `ssh -G <user@host>` (same config files, same
 * user, key and port as Nix). `hostname <alias>` with `port 22` means no Host block applies.
 */
import type { EffectiveSsh, ProbeDefinition } from '../context.js';
import { commandEvidence, needsAdmin } from '../context.js';
import { isNotInstalled } from '../exec.js';
import { describeSshSetting } from '../redact.js';
import { readConfigChain } from '../sshConfig.js';
import { describeTarget, directiveWarnings, failure, realPath, skip, whyBlockNotRead } from './common.js';

export function parseSshG(stdout: string): EffectiveSsh {
  const first = new Map<string, string>();
  const all = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const key = (m[1] ?? '').toLowerCase();
    const value = m[2] ?? '';
    if (!first.has(key)) first.set(key, value);
    all.set(key, [...(all.get(key) ?? []), value]);
  }
  const effective: EffectiveSsh = {
    user: first.get('user') ?? '',
    hostname: first.get('hostname') ?? '',
    port: Number(first.get('port') ?? '22'),
    identityfiles: all.get('identityfile') ?? [],
    userknownhostsfiles: (first.get('userknownhostsfile') ?? '').split(/\s+/).filter((s) => s !== ''),
    globalknownhostsfiles: (first.get('globalknownhostsfile') ?? '').split(/\s+/).filter((s) => s !== ''),
  };
  const alias = first.get('hostkeyalias');
  if (alias !== undefined && alias !== 'none') effective.hostkeyalias = alias;
  // Named, not quoted: a ProxyCommand is a command line and may hold a token (docs/dev/security.md#secrets-in-the-report).
  const command = first.get('proxycommand');
  const jump = first.get('proxyjump');
  if (command !== undefined && command !== 'none') effective.proxy = 'a ProxyCommand';
  else if (jump !== undefined && jump !== 'none') effective.proxy = describeSshSetting('ProxyJump', jump);
  return effective;
}

export const sshEffectiveConfigProbe: ProbeDefinition = {
  id: 'ssh-effective-config',
  title: "Root's effective ssh settings for the builder",
  checks: "root's `ssh -G <user@host>`: hostname, port, user, HostKeyAlias, identity file",
  verdicts: '`ssh-config-not-included`',
  requires: ['machines-file'],
  async run(ctx) {
    const target = ctx.facts.target;
    if (target === undefined) return skip('no SSH builder to check');
    const reading = readConfigChain(ctx.paths, target.host);
    ctx.facts.reading = reading;
    // The daemon's NIX_SSHOPTS are on Nix's command line, so they count here too.
    const argv = ['ssh', ...ctx.sshConfigArgs(), '-G', ...ctx.daemonSshOpts()];
    if (target.sshKey !== undefined) argv.push('-i', target.sshKey);
    if (target.port !== undefined) argv.push('-p', String(target.port));
    // After `--` the destination is never read as an option, whatever the machines file says.
    argv.push('--', target.user !== undefined ? `${target.user}@${target.host}` : target.host);
    const full = ctx.asRoot(argv);
    const result = await ctx.run(full, 5000);
    const warnings = directiveWarnings(ctx, 'ssh');
    const admin = needsAdmin(ctx, full, "root's ssh configuration", result);
    if (admin) return admin;
    if (isNotInstalled(result))
      return {
        status: 'fail',
        cause: 'unknown',
        summary: 'OpenSSH ssh is not on PATH; Nix needs it for every SSH builder',
        evidence: [commandEvidence(result)],
      };
    if (result.exitCode !== 0) {
      return {
        status: 'fail',
        cause: 'unknown',
        summary: `ssh -G failed (exit ${result.exitCode ?? 'none'}): ${result.stderr.trim().split('\n')[0] ?? ''}`,
        evidence: [commandEvidence(result), ...warnings],
      };
    }
    const eff = parseSshG(result.stdout);
    ctx.facts.effective = eff;
    const line = `ssh -G ${target.host} → user ${eff.user}, hostname ${eff.hostname}, port ${eff.port}, hostkeyalias ${eff.hostkeyalias ?? 'none'}, identityfile ${[...new Set(eff.identityfiles)].join(' ')}`;
    const evidence = [commandEvidence(result, line), ...warnings];
    const unmapped =
      eff.hostname.toLowerCase() === target.host.toLowerCase() && reading.blocksRead.length === 0;
    if (unmapped && reading.blocksUnread.length > 0) {
      const block = reading.blocksUnread[0];
      const blockFile = realPath(ctx, block?.file ?? '');
      const why = whyBlockNotRead(ctx, reading);
      return failure(
        ctx,
        'ssh-config-not-included',
        `${line.split(', hostkeyalias')[0] ?? line}: the Host block in ${blockFile} is not read, because ${why}`,
        evidence,
        { hostBlockFile: blockFile },
      );
    }
    // Root's settings for the builder are known: connect now, while the name, the port and the
    // host key are checked, so the login only joins the connection (src/probes/sharedSsh.ts).
    ctx.openSharedSsh(target);
    return {
      status: 'ok',
      summary: `${describeTarget(ctx)}: ${line}${eff.proxy !== undefined ? `, via ${eff.proxy}` : ''}`,
      evidence,
    };
  },
};
