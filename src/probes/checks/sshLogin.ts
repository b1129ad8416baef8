/**
 * Log in exactly as Nix will, as root: same user, key and pinned known_hosts, with BatchMode and
 * ConnectTimeout so nothing prompts or hangs, and classify ssh's stderr (docs/dev/domain.md#what-ssh-and-nix-print).
 */
import type { ProbeDefinition } from '../context.js';
import { commandEvidence, needsAdmin, sshTimeouts } from '../context.js';
import { classifyStderr } from '../stderrClassifier.js';
import { describeTarget, failure, skip } from './common.js';
import { lookupName } from './hostKey.js';

export const sshLoginProbe: ProbeDefinition = {
  id: 'ssh-login',
  title: 'SSH login as root (like the nix-daemon)',
  checks:
    '`ssh -o BatchMode=yes` as root, exactly as Nix runs it (user, key, port, pinned known_hosts), stderr classified',
  verdicts: '`auth-rejected`, `key-permissions`, `host-key-*`',
  // A bad key or host key does not stop the login attempt: ssh's own words then corroborate it.
  requires: ['ssh-effective-config', 'hostname-resolution', 'vm-port'],
  // Not after host-key: ssh-keyscan and the login are two connections that need nothing of each
  // other, so they run side by side.
  after: ['builder-key'],
  async run(ctx) {
    const target = ctx.facts.target;
    if (target === undefined) return skip('no SSH builder to check');
    const { connectTimeoutS, commandMs } = sshTimeouts(ctx.facts);
    // The connection ssh-effective-config started meanwhile: join it once it is up (or failed).
    // The wait counts against the login's own bound, so a builder that hangs in the key exchange
    // costs about what one login attempt did (the opening is bounded shorter: sharedSsh.ts).
    const waitStarted = Date.now();
    await ctx.sharedSshReady();
    // What else waited for the connection starts its commands first: remote-nix's Nix over it
    // takes several times this login, and starting a process holds the event loop for some
    // milliseconds (more on Linux, where libuv forks: CONTRIBUTING.md), so the longer one first
    // ends the run sooner (the engine orders the probes' starts the same way, runOne in engine.ts).
    await new Promise((resolve) => setImmediate(resolve));
    const left = Math.max(commandMs - (Date.now() - waitStarted), (connectTimeoutS + 1) * 1000);
    const argv = ctx.nixLikeSshArgv(target, ['true'], connectTimeoutS);
    // Over the run's shared connection (sharedSsh.ts), which remote-nix's commands join too; what
    // ssh printed while that connection logged in is what this login would have printed.
    const result = await ctx.run(argv, left, { shared: 'ssh', reportsOpening: true });
    const admin = needsAdmin(ctx, argv, 'The SSH login the nix-daemon makes', result);
    if (admin) return admin;
    const evidence = [commandEvidence(result)];
    const pinned = argv
      .find((a) => a.startsWith('-oUserKnownHostsFile='))
      ?.slice('-oUserKnownHostsFile='.length);
    if (pinned !== undefined)
      evidence.push({
        file: pinned,
        detail: `the publicHostKey of ${target.source} as Nix pins it (Nix uses a temporary file); kept in the doctor's cache folder so the command above works when pasted`,
      });
    const opts = ctx.daemonSshOpts();
    if (opts.length > 0)
      evidence.push({
        file: ctx.paths.sys('/Library/LaunchDaemons/org.nixos.nix-daemon.plist'),
        detail: `the nix-daemon's NIX_SSHOPTS (nix.envVars), passed on as Nix does: ${opts.join(' ')}`,
      });
    if (result.exitCode === 0)
      return {
        status: 'ok',
        summary: `root logs in to ${describeTarget(ctx)} with the builder's key and pinned host key`,
        evidence,
      };
    if (result.timedOut)
      return failure(
        ctx,
        'builder-unresponsive',
        `ssh to ${describeTarget(ctx)} did not finish within ${result.durationMs} ms`,
        evidence,
      );
    const found = classifyStderr(result.stderr);
    if (found === null) {
      return {
        status: 'fail',
        cause: 'unknown',
        summary: `ssh to ${describeTarget(ctx)} failed (exit ${result.exitCode ?? 'none'}): ${result.stderr.trim().split('\n').pop() ?? ''}`,
        evidence,
      };
    }
    const eff = ctx.facts.effective;
    const extra =
      found.cause === 'host-key-unknown' &&
      eff !== undefined &&
      target.publicHostKey !== undefined &&
      lookupName(eff) !== target.host
        ? { lookupName: lookupName(eff) }
        : {};
    return failure(
      ctx,
      found.cause,
      `ssh as root to ${describeTarget(ctx)}: "${found.matched}": ${found.explanation}`,
      evidence,
      extra,
    );
  },
};
