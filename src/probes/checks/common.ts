/** Small helpers the probe files share. */
import { readFileSync } from 'node:fs';
import { relative, isAbsolute } from 'node:path';
import type { CauseId, Evidence, ProbeFix } from '../../protocol/probes.js';
import type { ProbeContext, ProbeOutcome } from '../context.js';
import type { ConfigReading } from '../sshConfig.js';
import { fixFor, type FixFacts } from '../fixes.js';
import { describeDirective } from '../commandDirectives.js';

/** A staged path shown as the path on the user's machine (fix commands name real paths). */
export function realPath(ctx: ProbeContext, path: string): string {
  const root = ctx.paths.stagedRoot;
  if (root === undefined) return path;
  const rel = relative(root, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : `/${rel}`;
}

export const NIX_DARWIN_HOSTS = ['linux-builder'];
export const DETERMINATE_VM_HOSTS = ['nixos-vm-based-linux-builder'];

/**
 * `nix.linux-builder.workingDirectory` as launchd has it: nix-darwin writes it as the service's
 * WorkingDirectory (modules/nix/linux-builder.nix, docs/dev/domain.md#what-enabling-the-builder-generates).
 * Undefined without the plist or the key, or when the value is not a plain absolute path.
 */
export function builderWorkingDirectory(ctx: ProbeContext): string | undefined {
  let text: string;
  try {
    text = readFileSync(ctx.paths.nixDarwinBuilderPlist, 'utf8');
  } catch {
    return undefined;
  }
  const value = /<key>WorkingDirectory<\/key>\s*<string>([^<]*)<\/string>/.exec(text)?.[1];
  return value !== undefined && /^\/[^&]*$/.test(value) ? value : undefined;
}

export function fixFacts(ctx: ProbeContext, extra: Partial<FixFacts> = {}): FixFacts {
  const target = ctx.facts.target;
  const facts: FixFacts = {
    nixDarwin:
      ctx.facts.nixDarwinBuilder === true || (target !== undefined && NIX_DARWIN_HOSTS.includes(target.host)),
    determinateVm: target !== undefined && DETERMINATE_VM_HOSTS.includes(target.host),
    rootSshConfig: realPath(ctx, ctx.paths.rootSshConfig),
    rootSshConfigExists: ctx.facts.reading?.userConfigExists ?? false,
  };
  const workingDirectory = builderWorkingDirectory(ctx);
  if (workingDirectory !== undefined) facts.workingDirectory = workingDirectory;
  if (target !== undefined) {
    facts.host = target.host;
    facts.uri = target.uri;
    if (target.sshKey !== undefined) facts.keyPath = realPath(ctx, target.sshKey);
  }
  const port = ctx.facts.effective?.port ?? target?.port;
  if (port !== undefined) facts.port = port;
  const merged = { ...facts, ...extra };
  if (merged.keyPath !== undefined) merged.keyPath = realPath(ctx, merged.keyPath);
  return merged;
}

export function failure(
  ctx: ProbeContext,
  cause: CauseId,
  summary: string,
  evidence: Evidence[],
  extra: Partial<FixFacts> = {},
): ProbeOutcome {
  const fix: ProbeFix | undefined = fixFor(cause, fixFacts(ctx, extra));
  return { status: 'fail', cause, summary, evidence, ...(fix ? { fix } : {}) };
}

export function skip(summary: string, evidence: Evidence[] = []): ProbeOutcome {
  return { status: 'skip', summary, evidence };
}

/** The builder's display name: user@host[:port]. */
export function describeTarget(ctx: ProbeContext): string {
  const t = ctx.facts.target;
  if (t === undefined) return 'the builder';
  return `${t.user !== undefined ? `${t.user}@` : ''}${t.host}${t.port !== undefined ? `:${t.port}` : ''}`;
}

/** Why root's ssh does not read the builder's Host block, in the words of the config files. */
export function whyBlockNotRead(ctx: ProbeContext, reading: ConfigReading): string {
  const system = realPath(ctx, ctx.paths.sshSystemConfig);
  const includes = reading.includes.filter((i) => i.file === ctx.paths.sshSystemConfig);
  let why: string;
  if (!reading.systemConfigExists) why = `${system} does not exist`;
  else if (includes.length === 0) why = `${system} has no Include`;
  else
    why = `${system} has no Include covering it (it has ${includes.map((i) => `Include ${i.argument}${i.conditional ? ' inside a Host/Match block' : ''}`).join(', ')})`;
  if (reading.userConfigExists)
    why += `, and root's ${realPath(ctx, ctx.paths.rootSshConfig)} does not include it either`;
  return why;
}

/**
 * On the real root (or a trusted staged one) the commands ran: say which settings made ssh or
 * nix run a command of the configuration's own, so a surprise in a shared config is visible.
 */
export function directiveWarnings(ctx: ProbeContext, kind: 'ssh' | 'nix'): Evidence[] {
  if (ctx.paths.stagedRoot !== undefined && !ctx.trustRoot) return [];
  const found = ctx.commandDirectives()[kind];
  const what = kind === 'ssh' ? "root's ssh" : 'nix';
  return found.map((d) => ({
    file: d.file,
    detail: `warning: ${describeDirective(d)} runs a command on this machine when ${what} ${d.keyword === 'Match exec' ? 'reads its configuration (even `ssh -G`)' : 'uses this configuration'}`,
  }));
}
