/**
 * The SSH key Nix passes with -i: exists, owner, mode — never its contents. OpenSSH refuses a key
 * that others can read only when the key is owned by the account running ssh (sshkey_perm_ok in
 * OpenSSH's authfile.c); for the daemon that account is root. A root-only key (nix-darwin
 * installs it root:nixbld 0600) is correct, not a bug (docs/dev/domain.md#how-nix-connects-to-a-remote-builder).
 */
import { stat } from 'node:fs/promises';
import type { Evidence } from '../../protocol/probes.js';
import type { ProbeContext, ProbeDefinition, ProbeOutcome } from '../context.js';
import { adminOutcome, commandEvidence, needsAdmin } from '../context.js';
import { keyOwnerFix } from '../fixes.js';
import { failure, realPath, skip } from './common.js';

/**
 * Whether the key needs a passphrase, asked of ssh-keygen (run as root, like the daemon): `-y`
 * with an empty passphrase derives the public key, or says "incorrect passphrase supplied to
 * decrypt private key". We read neither the key nor ssh-keygen's output (the public key).
 */
async function passphraseCheck(
  ctx: ProbeContext,
  key: string,
  origin: string,
): Promise<ProbeOutcome | undefined> {
  const argv = ctx.asRoot(['ssh-keygen', '-y', '-P', '', '-f', key]);
  const result = await ctx.run(argv, 3000);
  if (result.exitCode === 0 || !/incorrect passphrase supplied/.test(result.stderr)) return undefined;
  return failure(
    ctx,
    'key-passphrase',
    `${key} (from ${origin}) is protected by a passphrase: the nix-daemon has no terminal to type it, so ssh cannot use the key`,
    [commandEvidence(result)],
    { keyPath: key },
  );
}

/** The key's folder denies this account: look as root where we can, and say what root sees. */
async function unreadable(
  ctx: ProbeContext,
  key: string,
  origin: string,
  code: string,
): Promise<ProbeOutcome> {
  const evidence: Evidence[] = [{ file: key, detail: `${code} (permission denied on its path)` }];
  const argv = ['ls', '-l', '--', key];
  if (ctx.needsSudo) {
    const result = await ctx.run(ctx.asRoot(argv), 3000);
    const admin = needsAdmin(ctx, ctx.asRoot(argv), `${key} (in a folder this account may not read)`, result);
    if (admin) return admin;
    evidence.push(commandEvidence(result, result.stdout.trim()));
    if (result.exitCode === 0)
      return (
        (await passphraseCheck(ctx, key, origin)) ?? {
          status: 'ok',
          summary: `${key} exists (root-only, as it should be)`,
          evidence,
        }
      );
    if (/No such file or directory/.test(result.stderr))
      return failure(
        ctx,
        'key-missing',
        `${key} (from ${origin}) does not exist (as root: ls says No such file or directory)`,
        evidence,
        { keyPath: key },
      );
    return failure(
      ctx,
      'key-unreadable',
      `root may not read ${key} (from ${origin}) either: ${result.stderr.trim().split('\n')[0] ?? code}`,
      evidence,
      { keyPath: key },
    );
  }
  if (process.getuid?.() === 0) {
    return failure(
      ctx,
      'key-unreadable',
      `root may not read ${key} (from ${origin}): ${code} on its path, so ssh run by the nix-daemon cannot load it`,
      evidence,
      { keyPath: key },
    );
  }
  // A staged root read by a normal account: only root can say whether the key is there.
  return adminOutcome(
    ctx,
    argv,
    `${key} (from ${origin}) is in a folder this account may not read (${code}), so whether it exists only root can see`,
    evidence,
  );
}

export const builderKeyProbe: ProbeDefinition = {
  id: 'builder-key',
  title: 'Builder SSH key',
  checks:
    "the key exists, owner and mode (never its contents); root-only 0600 is correct; whether it needs a passphrase (`ssh-keygen -y -P ''`, as root: we never read the key)",
  verdicts: '`key-missing`, `key-permissions`, `key-passphrase`, `key-unreadable`',
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
      return {
        status: 'ok',
        summary: `the builder entry names no key; ssh offers root's default identities (${files.join(', ') || 'none'})`,
        evidence: [{ detail: `identityfile ${files.join(' ')}` }],
      };
    }
    let info;
    try {
      info = await stat(key);
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      // Permission denied is not "missing": a folder on the path may not be entered by this account.
      if (code === 'EACCES' || code === 'EPERM') return unreadable(ctx, key, origin, code);
      if (code !== 'ENOENT' && code !== 'ENOTDIR')
        return {
          status: 'fail',
          cause: 'unknown',
          summary: `${key} (from ${origin}) cannot be inspected: ${code}`,
          evidence: [{ file: key, detail: code }],
        };
      return failure(
        ctx,
        'key-missing',
        `${key} (from ${origin}) does not exist: ssh ${target.sshKey !== undefined ? `prints "no such identity: ${key}: No such file or directory" and` : 'skips it and'} is then rejected`,
        [{ file: key, detail: code }],
        { keyPath: key },
      );
    }
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    const detail = `mode ${mode}, owner uid ${info.uid}, gid ${info.gid}`;
    if (!info.isFile())
      return failure(ctx, 'key-missing', `${key} is not a regular file (${detail})`, [{ file: key, detail }]);
    const sshUid = 0; // the nix-daemon runs ssh as root
    if (info.uid === sshUid && (info.mode & 0o077) !== 0) {
      return failure(
        ctx,
        'key-permissions',
        `${key} (from ${origin}) is ${detail}: ssh run by root refuses it ("UNPROTECTED PRIVATE KEY FILE", "bad permissions") because root owns it and others can read it`,
        [{ file: key, detail }],
        { keyPath: key },
      );
    }
    const locked = await passphraseCheck(ctx, key, origin);
    if (locked !== undefined) return locked;
    if (info.uid !== sshUid) {
      return {
        status: 'warn',
        summary: `${key} is ${detail}: not owned by root, so ssh (as root) still uses it, but nix-darwin installs it root:nixbld 0600; a key handed to a user is readable by that user's processes`,
        evidence: [{ file: key, detail }],
        fix: keyOwnerFix(realPath(ctx, key)),
      };
    }
    return {
      status: 'ok',
      summary: `${key}: ${detail} (root-only, as the daemon needs)`,
      evidence: [{ file: key, detail }],
    };
  },
};
