/**
 * The builders Nix knows: `builders` entries and the machines file(s) it names, parsed column by
 * column (machinesFile.ts parser). Chooses the builder the rest of the chain is checked for
 * (chooseTarget).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { Evidence } from '../../protocol/probes.js';
import type { BuilderTarget, ProbeContext, ProbeDefinition } from '../context.js';
import { describeExternal } from '../externalBuilders.js';
import { isSshBuilder, parseMachines, parseStoreUri, type MachineEntry } from '../machinesFile.js';
import { readConfigChain } from '../sshConfig.js';
import { DETERMINATE_VM_HOSTS, failure, NIX_DARWIN_HOSTS, realPath } from './common.js';
import { nixVersionAtLeast } from './nixInstall.js';
import { buildersOrigin, nixConfFiles } from './buildersSetting.js';
import { errorText } from '../../protocol/errorText.js';

/** The builder VMs this doctor is for: nix-darwin's and Determinate's. */
const VM_HOSTS = [...NIX_DARWIN_HOSTS, ...DETERMINATE_VM_HOSTS];

function targetOf(entry: MachineEntry, source: string): BuilderTarget {
  const target: BuilderTarget = {
    uri: entry.uri,
    scheme: entry.scheme,
    host: entry.host,
    systems: entry.systems,
    source,
    entry,
  };
  if (entry.user !== undefined) target.user = entry.user;
  if (entry.port !== undefined) target.port = entry.port;
  if (entry.sshKey !== undefined) target.sshKey = entry.sshKey;
  if (entry.publicHostKey !== undefined) target.publicHostKey = entry.publicHostKey;
  return target;
}

function describe(entry: MachineEntry): string {
  return `${entry.uri} (${entry.systems.join(',') || 'any system'}, key ${entry.sshKey ?? 'ssh default'}, ${entry.publicHostKeyBase64 !== undefined ? 'host key pinned' : 'no publicHostKey'})`;
}

/** A builder entry and where it was read (a machines file and line, or the builders setting). */
interface SourcedEntry {
  entry: MachineEntry;
  source: string;
}

/** The entries of a `builders` value: its inline entries and those of the files it names. */
export function readBuilderEntries(
  ctx: ProbeContext,
  value: string,
): { entries: SourcedEntry[]; errors: string[]; evidence: Evidence[] } {
  const evidence: Evidence[] = [];
  const entries: SourcedEntry[] = [];
  const errors: string[] = [];
  for (const part of value
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    if (part.startsWith('@')) {
      const file = part.slice(1).trim();
      if (!existsSync(file)) {
        evidence.push({ file, detail: 'absent' });
        continue;
      }
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        evidence.push({ file, detail: `unreadable: ${errorText(error)}` });
        continue;
      }
      const parsed = parseMachines(text);
      for (const entry of parsed.entries)
        entries.push({ entry, source: `${realPath(ctx, file)} line ${entry.line}` });
      for (const e of parsed.errors) errors.push(`${realPath(ctx, file)} line ${e.line}: ${e.message}`);
      evidence.push({
        file,
        detail: `${parsed.entries.length} entr${parsed.entries.length === 1 ? 'y' : 'ies'}${parsed.entries.map((e) => `\n  ${describe(e)}`).join('')}`,
      });
    } else {
      const parsed = parseMachines(part);
      for (const entry of parsed.entries) entries.push({ entry, source: 'the builders setting' });
      for (const e of parsed.errors) errors.push(`builders setting: ${e.message}`);
      evidence.push({ detail: `inline builder: ${parsed.entries.map(describe).join('; ')}` });
    }
  }
  return { entries, errors, evidence };
}

/**
 * The builder the chain is checked for, among the SSH builders: the one given with builderHost
 * (or that host alone when no entry names it), else nix-darwin's (or Determinate's) VM, which is
 * what this doctor is for, else the first Linux builder, else the first.
 */
export function chooseTarget(
  ssh: SourcedEntry[],
  builderHost: string | undefined,
): BuilderTarget | undefined {
  if (builderHost !== undefined) {
    const found = ssh.find((e) => e.entry.host === builderHost || e.entry.uri === builderHost);
    if (found) return targetOf(found.entry, found.source);
    const parsed = parseStoreUri(builderHost);
    return {
      uri: builderHost.includes('://') ? builderHost : `ssh-ng://${builderHost}`,
      scheme: parsed.scheme === 'ssh' && !builderHost.includes('://') ? 'ssh-ng' : parsed.scheme,
      host: parsed.host,
      systems: [],
      source: 'the builder given on the command line',
      ...(parsed.user !== undefined ? { user: parsed.user } : {}),
      ...(parsed.port !== undefined ? { port: parsed.port } : {}),
    };
  }
  const known = ssh.find((e) => VM_HOSTS.includes(e.entry.host));
  const linux = ssh.find(
    (e) => e.entry.systems.length === 0 || e.entry.systems.some((s) => s.endsWith('-linux')),
  );
  const chosen = known ?? linux ?? ssh[0];
  return chosen ? targetOf(chosen.entry, chosen.source) : undefined;
}

/**
 * The builder this run will check when it is nix-darwin's or Determinate's VM, read from the files
 * alone, before Nix has said what `builders` is: `builders` as nix.conf and NIX_CONFIG set it
 * (buildersOrigin: `include`s are not followed), else Nix's default, the machines file next to
 * nix.conf. ssh-effective-config starts its commands for it ahead (sshEffectiveConfig.ts), and uses
 * them only if the builder chosen from Nix's own answer gives the same commands; any other builder
 * waits for that answer, so nothing connects ahead to a host the run would not check.
 */
export function likelyVmTarget(ctx: ProbeContext): BuilderTarget | undefined {
  const env = ctx.nixEnv();
  const origin = buildersOrigin(nixConfFiles(ctx.paths.nixConfDir, env, env.HOME ?? homedir()), env);
  const value = origin?.value ?? `@${ctx.paths.nixConfDir}/machines`;
  const ssh = readBuilderEntries(ctx, value).entries.filter((e) => isSshBuilder(e.entry));
  const target = chooseTarget(ssh, ctx.builderHost);
  return target !== undefined && VM_HOSTS.includes(target.host) ? target : undefined;
}

export const machinesFileProbe: ProbeDefinition = {
  id: 'machines-file',
  title: 'Builder machines',
  checks:
    "`/etc/nix/machines` column by column (base64 host key decoded); picks the builder to check (nix-darwin's, Determinate's, or the first Linux SSH builder); without an SSH builder, Determinate's native builder (`external-builders` in nix.conf, run by `determinate-nixd builder`) counts as the builder: reported, and `test` builds through it",
  verdicts: '`no-builder-configured`',
  requires: ['builders-setting'],
  after: ['nix-install'],
  run(ctx) {
    const builders = ctx.facts.builders;
    const { entries, errors, evidence } = readBuilderEntries(ctx, builders?.value ?? '');
    ctx.facts.machines = {
      entries: entries.map((e) => e.entry),
      errors: errors.map((message) => ({ line: 0, message })),
    };
    const ssh = entries.filter((e) => isSshBuilder(e.entry));
    const chosen = chooseTarget(ssh, ctx.builderHost);
    if (chosen) ctx.facts.target = chosen;
    ctx.facts.otherTargets = ssh
      .filter((e) => e.entry.uri !== ctx.facts.target?.uri)
      .map((e) => targetOf(e.entry, e.source));
    const target = ctx.facts.target;
    const external = ctx.facts.externalBuilders ?? [];
    if (target === undefined && external[0] !== undefined) {
      // Determinate's native builder has no SSH entry: the SSH probes have nothing to check, the test build does.
      return Promise.resolve({
        status: 'ok',
        summary: `no SSH builder; Linux builds go to ${describeExternal(external[0], realPath(ctx, external[0].file))} (the SSH probes do not apply; \`linux-builder-doctor test\` builds through it)`,
        evidence: [
          ...evidence,
          ...external.map((b) => ({ file: b.file, detail: describeExternal(b, realPath(ctx, b.file)) })),
        ],
      });
    }
    if (target === undefined) {
      // Host blocks for the known builder names show a builder half set up (ssh config but no machines entry).
      const known = ['linux-builder', 'nixos-vm-based-linux-builder'].filter(
        (host) => readConfigChain(ctx.paths, host).blocksRead.length > 0,
      );
      const hint =
        known.length > 0
          ? `; root's ssh config has a Host block for ${known.join(', ')}, but no machines entry uses it`
          : '';
      return Promise.resolve(
        failure(
          ctx,
          'no-builder-configured',
          `Nix has no SSH builder (builders = ${builders?.value ?? '?'})${hint}`,
          evidence,
        ),
      );
    }
    if (target.entry?.publicHostKeyProblem !== undefined) {
      return Promise.resolve(
        failure(ctx, 'host-key-mismatch', `${target.source}: ${target.entry.publicHostKeyProblem}`, [
          ...evidence,
          ...errors.map((detail) => ({ detail })),
        ]),
      );
    }
    const warnings: string[] = [...errors];
    if (target.port !== undefined && !nixVersionAtLeast(ctx.facts.nixVersion, 2, 31)) {
      warnings.push(
        `${target.uri} has a port, which Nix accepts only since 2.31 (this is ${ctx.facts.nixVersion ?? 'unknown'}): use a Host block with Port instead`,
      );
    }
    if (target.host === 'localhost' && target.user === undefined && target.port === undefined) {
      warnings.push('the exact authority `localhost` makes Nix build locally, without SSH');
    }
    const summary = `${entries.length} builder(s); checking ${target.uri} from ${target.source}${ctx.facts.otherTargets.length > 0 ? ` (also: ${ctx.facts.otherTargets.map((t) => t.uri).join(', ')})` : ''}`;
    if (warnings.length > 0)
      return Promise.resolve({ status: 'warn', summary: `${summary}; ${warnings.join('; ')}`, evidence });
    return Promise.resolve({ status: 'ok', summary, evidence });
  },
};
