/**
 * The host key the server presents (ssh-keyscan) against the key ssh will accept: Nix's pinned
 * publicHostKey, written to a temporary known_hosts as `<URI host> <key>` (docs/dev/domain.md#how-nix-connects-to-a-remote-builder), or else
 * root's known_hosts. ssh looks keys up as HostKeyAlias, or `[hostname]:port` when the port is not
 * 22, so a pinned key only matches through HostKeyAlias.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Evidence } from '../../protocol/probes.js';
import type { EffectiveSsh, ProbeDefinition } from '../context.js';
import { commandEvidence } from '../context.js';
import { isNotInstalled } from '../exec.js';
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

export const hostKeyProbe: ProbeDefinition = {
  id: 'host-key',
  title: 'Builder host key',
  checks: "the key the VM presents (`ssh-keyscan`) against the pinned `publicHostKey` or root's known_hosts",
  verdicts: '`host-key-mismatch`, `host-key-unknown`',
  requires: ['vm-port'],
  async run(ctx) {
    const eff = ctx.facts.effective;
    const target = ctx.facts.target;
    if (eff === undefined || target === undefined) return skip('no effective ssh settings');
    if (eff.proxy !== undefined)
      return skip(`ssh connects through ${eff.proxy}; the host key is checked by the login`);
    // A builder whose banner came late (vm-port) gets that much more; the host name follows --.
    const slow = ctx.facts.bannerMs ?? 0;
    const argv = [
      'ssh-keyscan',
      '-T',
      String(Math.ceil(Math.min(3000 + slow, ctx.remainingMs()) / 1000)),
      '-p',
      String(eff.port),
      '--',
      eff.hostname,
    ];
    const result = await ctx.run(argv, 5000 + slow);
    if (isNotInstalled(result)) return skip('ssh-keyscan is not installed', [commandEvidence(result)]);
    const served = result.stdout
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
      .map((l) => typeAndBlob(l.trim().split(/\s+/).slice(1).join(' ')));
    const evidence: Evidence[] = [
      commandEvidence(result, `server offers: ${served.map((k) => k.split(' ')[0]).join(', ') || 'nothing'}`),
    ];
    if (served.length === 0)
      return {
        status: 'warn',
        summary: `ssh-keyscan got no host key from ${eff.hostname}:${eff.port}`,
        evidence,
      };
    const name = lookupName(eff);
    let expected: string[];
    let source: string;
    if (target.publicHostKey !== undefined) {
      const pinned = typeAndBlob(target.publicHostKey);
      source = `the publicHostKey of ${target.source}`;
      evidence.push({
        detail: `pinned (decoded publicHostKey): ${pinned}; Nix writes it as '${target.host} <key>'; ssh looks up '${name}'`,
      });
      if (!served.includes(pinned)) {
        const sameType = served.find((k) => k.split(' ')[0] === pinned.split(' ')[0]);
        return failure(
          ctx,
          'host-key-mismatch',
          `the server's ${pinned.split(' ')[0]} host key ${sameType !== undefined ? `(${sameType.split(' ')[1]?.slice(0, 24)}…)` : ''} is not the one pinned in ${source} (${pinned.split(' ')[1]?.slice(0, 24)}…): ssh fails with "REMOTE HOST IDENTIFICATION HAS CHANGED" / "Host key verification failed."`,
          evidence,
        );
      }
      expected = [pinned];
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
    source = "root's known_hosts";
    expected = [];
    for (const file of [...eff.userknownhostsfiles, ...eff.globalknownhostsfiles]) {
      const path = file.replace(/^~(?=\/)/, ctx.paths.rootHome);
      let text = '';
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      const found = keysFor(text, name);
      evidence.push({ file: path, detail: `${found.length} key(s) for '${name}'` });
      expected.push(...found);
    }
    if (expected.length === 0) {
      return failure(
        ctx,
        'host-key-unknown',
        `no publicHostKey is pinned and ${source} has no key for '${name}': ssh (BatchMode, like the daemon) fails with "Host key verification failed."`,
        evidence,
      );
    }
    if (!served.some((k) => expected.includes(k))) {
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
