/**
 * The host key the server presents (ssh-keyscan) against the key ssh will accept: Nix's pinned
 * publicHostKey, written to a temporary known_hosts as `<URI host> <key>` (docs/dev/domain.md#how-nix-connects-to-a-remote-builder), or else
 * root's known_hosts. ssh looks keys up as HostKeyAlias, or `[hostname]:port` when the port is not
 * 22, so a pinned key only matches through HostKeyAlias. Where the run's SSH connection logged in
 * (sharedSsh.ts: as Nix does, StrictHostKeyChecking=yes), ssh has answered that already, and the
 * scan, a key exchange of its own, is not made.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Evidence } from '../../protocol/probes.js';
import type { EffectiveSsh, ProbeContext, ProbeDefinition, ProbeOutcome } from '../context.js';
import { commandEvidence } from '../context.js';
import { isNotInstalled, settledWithin, type CommandResult } from '../exec.js';
import { hostMatches } from '../sshConfig.js';
import { failure, skip } from './common.js';

/** The name ssh looks the host key up under. */
export function lookupName(eff: EffectiveSsh): string {
  if (eff.hostkeyalias !== undefined) return eff.hostkeyalias;
  return eff.port === 22 ? eff.hostname : `[${eff.hostname}]:${eff.port}`;
}

/** Whether a known_hosts host field (patterns or a `|1|salt|hash` hashed name) names `name`. */
export function knownHostsNameMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (salt === undefined || hash === undefined) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  // Plain names are patterns, matched as ssh matches Host lines (OpenSSH match.c: match_hostname
  // and ssh_config's Host both use match_pattern_list).
  return hostMatches([field], name);
}

/** `type blob` pairs recorded for `name` in known_hosts text. */
export function keysFor(text: string, name: string): string[] {
  const keys: string[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3 || fields[0]?.startsWith('#') === true || fields[0]?.startsWith('@') === true)
      continue;
    if (knownHostsNameMatches(fields[0] ?? '', name)) keys.push(`${fields[1]} ${fields[2]}`);
  }
  return keys;
}

const typeAndBlob = (line: string): string => line.trim().split(/\s+/).slice(0, 2).join(' ');

/**
 * ssh-keyscan's `-t` name for a key type (ssh-keyscan(1): dsa, ecdsa, ed25519, ecdsa-sk,
 * ed25519-sk, rsa); undefined for a type it has no name for.
 */
export function keyscanType(keyType: string): string | undefined {
  if (keyType === 'ssh-ed25519') return 'ed25519';
  if (keyType === 'ssh-rsa') return 'rsa';
  if (keyType === 'ssh-dss') return 'dsa';
  if (keyType.startsWith('ecdsa-sha2-')) return 'ecdsa';
  if (keyType === 'sk-ssh-ed25519@openssh.com') return 'ed25519-sk';
  if (keyType.startsWith('sk-ecdsa-sha2-')) return 'ecdsa-sk';
  return undefined;
}

/**
 * The `-t` list that fetches only keys that could match `expected` (`type blob` pairs): one key
 * exchange instead of one per type, alongside the login. Undefined (every type) when nothing is
 * expected or a type has no keyscan name.
 */
export function keyscanTypes(expected: readonly string[]): string | undefined {
  const names = expected.map((k) => keyscanType(k.split(' ')[0] ?? ''));
  if (names.length === 0 || names.some((n) => n === undefined)) return undefined;
  return [...new Set(names)].join(',');
}

export const hostKeyProbe: ProbeDefinition = {
  id: 'host-key',
  title: 'Builder host key',
  checks:
    "the key the VM presents against the pinned `publicHostKey` (with the global known_hosts, which Nix leaves in place) or root's known_hosts: ssh's own check when the run's connection logged in, else `ssh-keyscan`",
  verdicts: '`host-key-mismatch`, `host-key-unknown`',
  requires: ['vm-port'],
  async run(ctx) {
    const eff = ctx.facts.effective;
    const target = ctx.facts.target;
    if (eff === undefined || target === undefined) return skip('no effective ssh settings');
    if (eff.proxy !== undefined)
      return skip(`ssh connects through ${eff.proxy}; the host key is checked by the login`);
    const name = lookupName(eff);
    // What ssh will accept, read before the scan so that the scan asks only for those key types.
    const accepted = acceptedKeys(ctx, eff, name);
    const verified = await connectionVerified(ctx);
    if (verified !== undefined) return acceptedByConnection(accepted, name, verified);
    // A builder whose banner came late (vm-port) gets that much more; the host name follows --.
    const slow = ctx.facts.bannerMs ?? 0;
    const scan = (types: string | undefined) =>
      ctx.run(
        [
          'ssh-keyscan',
          ...(types !== undefined ? ['-t', types] : []),
          '-T',
          String(Math.ceil(Math.min(3000 + slow, ctx.remainingMs()) / 1000)),
          '-p',
          String(eff.port),
          '--',
          eff.hostname,
        ],
        5000 + slow,
      );
    const servedBy = (scanned: CommandResult): string[] =>
      scanned.stdout
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('#'))
        .map((l) => typeAndBlob(l.trim().split(/\s+/).slice(1).join(' ')));
    const types = keyscanTypes(accepted.keys);
    let result = await scan(types);
    if (isNotInstalled(result)) return skip('ssh-keyscan is not installed', [commandEvidence(result)]);
    let served = servedBy(result);
    // None of the accepted types served (or the scan failed): ask for every type, to say what is.
    if (types !== undefined && !served.some((k) => accepted.keys.includes(k)) && !result.timedOut) {
      result = await scan(undefined);
      served = servedBy(result);
    }
    const evidence: Evidence[] = [
      commandEvidence(
        result,
        `server offers: ${served.map((k) => k.split(' ')[0]).join(', ') || 'nothing'}${result.argv.includes('-t') ? ' (asked only for the key types ssh would accept)' : ''}`,
      ),
    ];
    if (served.length === 0)
      return {
        status: 'warn',
        summary: `ssh-keyscan got no host key from ${eff.hostname}:${eff.port}`,
        evidence,
      };
    if (accepted.pinned !== undefined) {
      const pinned = accepted.pinned;
      const source = `the publicHostKey of ${target.source}`;
      evidence.push({
        detail: `pinned (decoded publicHostKey): ${pinned}; Nix writes it as '${target.host} <key>'; ssh looks up '${name}'`,
      });
      // Nix replaces only the user known_hosts: ssh still accepts a key the global files hold for
      // `name` (docs/dev/domain.md#how-nix-connects-to-a-remote-builder: which host keys ssh accepts).
      const global = knownHostsKeys(ctx, eff.globalknownhostsfiles, name);
      const inGlobal = served.find((k) => global.keys.includes(k));
      evidence.push(...global.evidence);
      if (inGlobal !== undefined) {
        return {
          status: 'ok',
          summary: `the server's ${inGlobal.split(' ')[0]} host key is in the global known_hosts as '${name}', where ssh finds it beside the pinned key`,
          evidence,
        };
      }
      if (!served.includes(pinned)) {
        const sameType = served.find((k) => k.split(' ')[0] === pinned.split(' ')[0]);
        return failure(
          ctx,
          'host-key-mismatch',
          `the server's ${pinned.split(' ')[0]} host key ${sameType !== undefined ? `(${sameType.split(' ')[1]?.slice(0, 24)}…)` : ''} is not the one pinned in ${source} (${pinned.split(' ')[1]?.slice(0, 24)}…): ssh fails with "REMOTE HOST IDENTIFICATION HAS CHANGED" / "Host key verification failed."`,
          evidence,
        );
      }
      if (name.toLowerCase() !== target.host.toLowerCase()) {
        // The pinned key is right but filed under the URI host; only global known_hosts could still match.
        return failure(
          ctx,
          'host-key-unknown',
          `the pinned key matches the server, but Nix files it under '${target.host}' while ssh looks up '${name}' (no HostKeyAlias ${target.host} in root's Host block): "Host key verification failed."`,
          evidence,
          { lookupName: name },
        );
      }
      return {
        status: 'ok',
        summary: `the server's host key is the pinned one (${pinned.split(' ')[0]}), looked up as '${name}'`,
        evidence,
      };
    }
    const source = "root's known_hosts";
    evidence.push(...accepted.evidence);
    if (accepted.keys.length === 0) {
      return failure(
        ctx,
        'host-key-unknown',
        `no publicHostKey is pinned and ${source} has no key for '${name}': ssh (BatchMode, like the daemon) fails with "Host key verification failed."`,
        evidence,
      );
    }
    if (!served.some((k) => accepted.keys.includes(k))) {
      return failure(
        ctx,
        'host-key-mismatch',
        `${source} has a different key for '${name}' than the server presents: "REMOTE HOST IDENTIFICATION HAS CHANGED"`,
        evidence,
      );
    }
    return { status: 'ok', summary: `the server's host key is known in ${source} as '${name}'`, evidence };
  },
};

/** How long the probe waits for the run's SSH connection before it scans the key itself. */
const CONNECTION_WAIT_MS = 1000;

/**
 * The login the run's SSH connection made (sharedSsh.ts), once it is up: it logged in with Nix's
 * options and StrictHostKeyChecking=yes ahead of any config, so ssh itself accepted the server's
 * host key with the known_hosts files Nix gives it, which is the question here
 * (docs/dev/domain.md#how-nix-connects-to-a-remote-builder: which host keys ssh accepts). Undefined when
 * there is no such connection, it failed (a refused key says nothing about the host key), or it is
 * not up within CONNECTION_WAIT_MS: then ssh-keyscan looks.
 */
async function connectionVerified(ctx: ProbeContext): Promise<string[] | undefined> {
  const target = ctx.facts.target;
  if (target === undefined) return undefined;
  const up = await settledWithin(ctx.sharedSshUp(), CONNECTION_WAIT_MS, false);
  return up ? ctx.nixLikeSshArgv(target, ['true']) : undefined;
}

/** ok: ssh accepted the server's host key when the run's connection logged in (connectionVerified). */
function acceptedByConnection(
  accepted: { keys: string[]; pinned?: string; evidence: Evidence[] },
  name: string,
  login: string[],
): ProbeOutcome {
  const evidence: Evidence[] = [
    {
      argv: login,
      detail: `the run's SSH connection logged in as this command does, with StrictHostKeyChecking=yes ahead of any config (no prompt, no key added): ssh itself verified the server's host key, looked up as '${name}', with the known_hosts files this command gives it`,
    },
  ];
  const pinned = accepted.pinned;
  if (pinned !== undefined) evidence.push({ detail: `pinned (decoded publicHostKey): ${pinned}` });
  else evidence.push(...accepted.evidence);
  return {
    status: 'ok',
    summary: `ssh accepted the server's host key when the run connected as Nix does (${pinned !== undefined ? `pinned: ${pinned.split(' ')[0]}` : "root's known_hosts"}, looked up as '${name}')`,
    evidence,
  };
}

/**
 * The keys ssh will accept for `name`: the pinned one (Nix writes only it to the known_hosts it
 * passes), else those in root's known_hosts files, with what each file held.
 */
function acceptedKeys(
  ctx: ProbeContext,
  eff: EffectiveSsh,
  name: string,
): { keys: string[]; pinned?: string; evidence: Evidence[] } {
  const publicHostKey = ctx.facts.target?.publicHostKey;
  if (publicHostKey !== undefined) {
    const pinned = typeAndBlob(publicHostKey);
    return { keys: [pinned], pinned, evidence: [] };
  }
  return knownHostsKeys(ctx, [...eff.userknownhostsfiles, ...eff.globalknownhostsfiles], name);
}

/** The keys `files` (known_hosts, `~` for root's home) hold for `name`, with what each file held. */
function knownHostsKeys(
  ctx: ProbeContext,
  files: readonly string[],
  name: string,
): { keys: string[]; evidence: Evidence[] } {
  const keys: string[] = [];
  const evidence: Evidence[] = [];
  for (const file of files) {
    const path = file.replace(/^~(?=\/)/, ctx.paths.rootHome);
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    const found = keysFor(text, name);
    evidence.push({ file: path, detail: `${found.length} key(s) for '${name}'` });
    keys.push(...found);
  }
  return { keys, evidence };
}
