/**
 * What root's ssh will really use for the builder: `ssh -G <user@host>` (same config files, same
 * user, key and port as Nix). `hostname <alias>` with `port 22` means no Host block applies.
 */
import type { BuilderTarget, EffectiveSsh, ProbeContext, ProbeDefinition } from '../context.js';
import type { CommandResult } from '../exec.js';
import { commandEvidence, needsAdmin } from '../context.js';
import { isNotInstalled, sameArgv } from '../exec.js';
import { describeSshSetting } from '../redact.js';
import { readConfigChain, type ConfigReading } from '../sshConfig.js';
import { likelyVmTarget } from './machinesFile.js';
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

/** `ssh -G` as root for the builder, with what Nix passes too: the daemon's NIX_SSHOPTS, key, port. */
function sshGArgv(ctx: ProbeContext, target: BuilderTarget): string[] {
  // The daemon's NIX_SSHOPTS are on Nix's command line, so they count here too.
  const argv = ['ssh', ...ctx.sshConfigArgs(), '-G', ...ctx.daemonSshOpts()];
  if (target.sshKey !== undefined) argv.push('-i', target.sshKey);
  if (target.port !== undefined) argv.push('-p', String(target.port));
  // After `--` the destination is never read as an option, whatever the machines file says.
  argv.push('--', target.user !== undefined ? `${target.user}@${target.host}` : target.host);
  return ctx.asRoot(argv);
}

/** No Host block for the builder's name was read, so ssh would look the bare name up. */
function unmapped(target: BuilderTarget, eff: EffectiveSsh, reading: ConfigReading): boolean {
  return eff.hostname.toLowerCase() === target.host.toLowerCase() && reading.blocksRead.length === 0;
}

/** What the early start ran for the builder read from the files (likelyVmTarget). */
interface LookedAhead {
  argv: string[];
  result: CommandResult;
  /** run() checks this very builder, so the connection opened ahead is the run's. */
  used: boolean;
}

export const sshEffectiveConfigProbe: ProbeDefinition<LookedAhead> = {
  id: 'ssh-effective-config',
  title: "Root's effective ssh settings for the builder",
  checks: "root's `ssh -G <user@host>`: hostname, port, user, HostKeyAlias, identity file",
  verdicts: '`ssh-config-not-included`',
  requires: ['machines-file'],
  // nix-darwin's VM, as the files name it, is looked at while Nix starts to say what `builders`
  // is (~0.1 s), and its connection opened (sharedSsh.ts): the login and Nix's commands over it no
  // longer wait for that answer first. Used only when the builder then chosen gives the same ssh
  // commands; otherwise the connection is ended and each command connects on its own.
  early: {
    after: [],
    async start(ctx, signal) {
      const likely = likelyVmTarget(ctx);
      if (likely === undefined) return undefined;
      const argv = sshGArgv(ctx, likely);
      // A staged root whose files run commands: run() says so, as it does without this.
      if (ctx.refusalFor(argv) !== undefined) return undefined;
      // Connect as Nix would, alongside ssh -G: Nix's own ssh makes this very connection on every
      // build (nixLikeSshArgv), and where root's settings turn out wrong for the builder (run()
      // fails), the connection opened ahead is ended below.
      ctx.openSharedSsh(likely);
      const looked: LookedAhead = { argv, result: await ctx.run(argv, 5000, { signal }), used: false };
      // Not run after all (the machines file failed), failed, or run for another builder: end it.
      const end = (): void => void (looked.used || ctx.closeSharedSsh());
      if (signal.aborted) end();
      else signal.addEventListener('abort', end, { once: true });
      return looked;
    },
  },
  async run(ctx, early) {
    const target = ctx.facts.target;
    if (target === undefined) return skip('no SSH builder to check');
    const reading = readConfigChain(ctx.paths, target.host);
    ctx.facts.reading = reading;
    const full = sshGArgv(ctx, target);
    const same = early !== undefined && sameArgv(early.argv, full);
    const result = same ? early.result : await ctx.run(full, 5000);
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
    if (unmapped(target, eff, reading) && reading.blocksUnread.length > 0) {
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
    // host key are checked, so the login only joins the connection (src/probes/sharedSsh.ts);
    // opened ahead already when the builder is the one the files named (early, above).
    if (early !== undefined) early.used = same;
    ctx.openSharedSsh(target);
    return {
      status: 'ok',
      summary: `${describeTarget(ctx)}: ${line}${eff.proxy !== undefined ? `, via ${eff.proxy}` : ''}`,
      evidence,
    };
  },
};
