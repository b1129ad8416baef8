/**
 * The SSH key Nix passes with -i: exists, owner, mode — never its contents. OpenSSH refuses a key
 * that others can read only when the key is owned by the account running ssh (sshkey_perm_ok in
 * OpenSSH's authfile.c); for the daemon that account is root. A root-only key (nix-darwin
 * installs it root:nixbld 0600) is correct, not a bug (docs/dev/domain.md#how-nix-connects-to-a-remote-builder).
 */
import { stat } from 'node:fs/promises';
import type { ProbeDefinition } from '../context.js';
import { adminOutcome, commandEvidence } from '../context.js';
import { keyOwnerFix } from '../fixes.js';
import { failure, realPath, skip } from './common.js';

export const builderKeyProbe: ProbeDefinition = {
  id: 'builder-key',
  title: 'Builder SSH key',
  requires: ['machines-file'],
  // launchd-service: whether the builder is nix-darwin's decides the key-missing fix.
  after: ['ssh-effective-config', 'launchd-service'],
  async run(ctx) {
    const target = ctx.facts.target;
    if (target === undefined) return skip('no SSH builder to check');
    // The key column wins (Nix passes it with -i); else the Host block's IdentityFile, if it names one.
    const files = ctx.facts.effective?.identityfiles ?? [];
    const configured = files.find((f) => !/^~\/\.ssh\/id_[a-z0-9_]+$/.test(f));
    const key = target.sshKey ?? configured?.replace(/^~(?=\/)/, ctx.paths.rootHome);
    const origin = target.sshKey !== undefined ? target.source : "the Host block's IdentityFile";
    if (key === undefined) {
      return { status: 'ok', summary: `the builder entry names no key; ssh offers root's default identities (${files.join(', ') || 'none'})`, evidence: [{ detail: `identityfile ${files.join(' ')}` }] };
    }
    let info;
    try {
      info = await stat(key);
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (code === 'EACCES' && ctx.needsSudo) {
        const argv = ['ls', '-l', '--', key];
        const result = await ctx.run(ctx.asRoot(argv), 3000);
        if (result.exitCode !== 0) return adminOutcome(ctx, argv, `${key} can only be inspected as root`, [commandEvidence(result)]);
        return { status: 'ok', summary: `${key} exists (root-only, as it should be)`, evidence: [commandEvidence(result, result.stdout.trim())] };
      }
      return failure(ctx, 'key-missing', `${key} (from ${origin}) does not exist: ssh ${target.sshKey !== undefined ? `prints "no such identity: ${key}: No such file or directory" and` : 'skips it and'} is then rejected`, [{ file: key, detail: code }], { keyPath: key });
    }
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    const detail = `mode ${mode}, owner uid ${info.uid}, gid ${info.gid}`;
    if (!info.isFile()) return failure(ctx, 'key-missing', `${key} is not a regular file (${detail})`, [{ file: key, detail }]);
    const sshUid = 0; // the nix-daemon runs ssh as root
    if (info.uid === sshUid && (info.mode & 0o077) !== 0) {
      return failure(ctx, 'key-permissions',
        `${key} (from ${origin}) is ${detail}: ssh run by root refuses it ("UNPROTECTED PRIVATE KEY FILE", "bad permissions") because root owns it and others can read it`,
        [{ file: key, detail }], { keyPath: key });
    }
    if (info.uid !== sshUid) {
      return {
        status: 'warn',
        summary: `${key} is ${detail}: not owned by root, so ssh (as root) still uses it, but nix-darwin installs it root:nixbld 0600; a key handed to a user is readable by that user's processes`,
        evidence: [{ file: key, detail }],
        fix: keyOwnerFix(realPath(ctx, key)),
      };
    }
    return { status: 'ok', summary: `${key}: ${detail} (root-only, as the daemon needs)`, evidence: [{ file: key, detail }] };
  },
};
