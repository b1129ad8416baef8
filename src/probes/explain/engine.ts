/**
 * `explain`: any amount of darwin-rebuild / nix / ssh / CI output → the problems it shows, each
 * with its cause, the lines that prove it and the fix (fixes.ts, the probes' own). Streaming: feed
 * chunks, then `finish()`. Only lines holding one of the catalogue's literal needles are looked at
 * (one regex pass per chunk), so a 10 MB log costs well under a second.
 *
 * Several lines of one failure name one problem: the root cause wins over its consequences
 * (a too-open key over "Permission denied", ssh's reason over Nix's "failed to start SSH
 * connection", a failed connection over "is required to build"), see SUPPRESSED_BY.
 */
import type { CauseId, ProbeId } from '../../protocol/probes.js';
import type { ExplainProblem } from '../../protocol/lsp.js';
import { fixFor, type FixFacts } from '../fixes.js';
import { CATALOGUE, NEEDLE, type CatalogueEntry } from './catalogue.js';
import type { TextFacts } from './textFixes.js';

/** A problem as the engine names it; the workspace adds where an option is defined (`definitions`). */
export type ExplainedProblem = Omit<ExplainProblem, 'definitions'>;

export interface ExplainResult {
  problems: ExplainedProblem[];
  bytesRead: number;
}

const MAX_EVIDENCE = 6;
/** A multi-line record (option error, /etc file list, Required/Current system) looks this far ahead, in interesting lines and bytes. */
const WINDOW_LINES = 12;
const WINDOW_BYTES = 4000;
const MAX_LINE = 4000;
/** How many distinct meaningless lines are remembered (a few hundred KB at most). */
const MAX_BORING = 4096;

/** Causes that only follow from another one in the same text (the key → its cause). */
const SUPPRESSED_BY: Partial<Record<CauseId, CauseId[]>> = {
  'auth-rejected': ['key-missing', 'key-permissions'],
  'host-key-unknown': ['host-key-mismatch'],
};
/** Causes of a failed connection: they explain Nix's generic wrappers and the "required to build" that follows. */
const CONNECTION_CAUSES = new Set<CauseId>([
  'needs-admin',
  'key-missing',
  'key-permissions',
  'host-key-mismatch',
  'host-key-unknown',
  'hostname-unresolved',
  'builder-wrong-port',
  'builder-down',
  'builder-booting',
  'builder-unresponsive',
  'auth-rejected',
  'remote-nix-missing',
  'builder-untrusted',
  'host-name-has-scheme',
  'ssh-not-found',
  'machines-file-invalid',
]);
const GENERIC_CAUSES = new Set<CauseId>(['ssh-connection-failed', 'remote-build-failed']);
const REQUIRED_CAUSES = new Set<CauseId>([
  'vm-image-not-cached',
  'missing-features',
  'system-not-offered',
  'no-builder-configured',
]);
/** With a scheme in the host name, whatever ssh then says about host "ssh" or port 22 is a consequence. */
const SCHEME_CONSEQUENCES = new Set<CauseId>([
  'builder-wrong-port',
  'builder-down',
  'hostname-unresolved',
  'host-key-unknown',
  'auth-rejected',
]);

const PROBE_FOR: Partial<Record<CauseId, ProbeId>> = {
  'key-missing': 'builder-key',
  'key-permissions': 'builder-key',
  'host-key-mismatch': 'host-key',
  'host-key-unknown': 'host-key',
  'hostname-unresolved': 'hostname-resolution',
  'builder-wrong-port': 'ssh-effective-config',
  'builder-down': 'vm-port',
  'builder-booting': 'vm-port',
  'builder-unresponsive': 'vm-port',
  'auth-rejected': 'ssh-login',
  'remote-nix-missing': 'remote-nix',
  'builder-untrusted': 'remote-nix',
  'host-name-has-scheme': 'machines-file',
  'machines-file-invalid': 'machines-file',
  'determinate-conflict': 'determinate',
  'requires-nix-enable': 'determinate',
};

/** Parts of a NixOS system closure: building one on a Mac is what the builder's VM image needs. */
const NIXOS_PART =
  /(append-initrd-secrets|boot\.json|nixos-|initrd|linux-builder|darwin-builder|create-builder|etc-os-release|closure-info|system-path|stage-[12]-init|-etc\.drv|issue\.drv|unit-|linux-\d)/;
/** Option paths (or their context lines) that are about the builder. */
const BUILDER_OPTION =
  /^(nix\.(linux-builder|buildMachines|distributedBuilds|enable)|virtualisation\.(darwin-builder|memorySize|diskSize|cores)|determinateNix|determinate-nix)/;
const BUILDER_CONTEXT = /nix\.linux-builder|linux-builder|darwin-builder|buildMachines/;

interface Pending {
  kind: 'option' | 'etc-files' | 'required';
  cause?: CauseId;
  facts: TextFacts;
  evidence: string[];
  linesLeft: number;
  bytesLeft: number;
  relevant?: boolean;
}

const ESC = String.fromCharCode(27);
/** ANSI colour and cursor sequences of CI logs and terminals. */
const ANSI = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g');

function tidy(line: string): string {
  let l = line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line;
  if (l.includes(ESC)) l = l.replace(ANSI, '');
  return l.replace(/\r/g, '').trim();
}

function archOf(system: string): string {
  return system.split('-')[0] ?? system;
}

function parseFeatures(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
}

export class Explainer {
  private carry = '';
  private bytes = 0;
  private readonly found = new Map<string, ExplainedProblem & { facts: FixFacts; order: number }>();
  private pending: Pending[] = [];
  private lastCannotBuild: string | undefined;
  private lastCannotBuildLine: string | undefined;
  private order = 0;
  /** Lines that held a needle and meant nothing (bounded): skipped when they come again. */
  private readonly boring = new Set<string>();

  /** Feed the next piece of the text (any split, also mid-line). */
  feed(chunk: string): void {
    this.bytes += chunk.length;
    const text = this.carry + chunk;
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline === -1) {
      // A line longer than any error text is cut: keep memory bounded on binary junk.
      this.carry = text.length > 64 * 1024 ? text.slice(-MAX_LINE) : text;
      return;
    }
    this.carry = text.slice(lastNewline + 1);
    this.scan(text, lastNewline + 1);
  }

  finish(): ExplainResult {
    if (this.carry !== '') this.scan(`${this.carry}\n`, this.carry.length + 1);
    this.carry = '';
    for (const p of this.pending) this.resolvePending(p);
    this.pending = [];
    return { problems: this.conclude(), bytesRead: this.bytes };
  }

  /** Visit the lines of text[0, end) that hold a needle, each once. */
  private scan(text: string, end: number): void {
    const needle = new RegExp(NEEDLE.source, 'g');
    let lastLineEnd = -1;
    for (let m = needle.exec(text); m !== null && m.index < end; m = needle.exec(text)) {
      const start = text.lastIndexOf('\n', m.index) + 1;
      let stop = text.indexOf('\n', m.index);
      if (stop === -1) stop = end;
      // Bytes between interesting lines count against the open windows.
      if (this.pending.length > 0 && lastLineEnd >= 0) this.age(0, start - lastLineEnd);
      lastLineEnd = stop;
      this.line(tidy(text.slice(start, stop)));
      needle.lastIndex = stop + 1;
    }
  }

  private age(lines: number, bytes: number): void {
    const still: Pending[] = [];
    for (const p of this.pending) {
      p.linesLeft -= lines;
      p.bytesLeft -= bytes;
      if (p.linesLeft <= 0 || p.bytesLeft <= 0) this.resolvePending(p);
      else still.push(p);
    }
    this.pending = still;
  }

  private line(line: string): void {
    if (line === '') return;
    // Logs repeat their lines (configure checks, warnings): one that held a needle but meant
    // nothing means nothing again, as long as no multi-line record is open to take it.
    const idle = this.pending.length === 0;
    if (idle && this.boring.has(line)) return;
    const consumed = this.feedPending(line);
    this.age(1, line.length);
    if (consumed) return;
    if (this.contextLine(line)) return;
    const entry = CATALOGUE.find((e) => e.test.test(line));
    if (entry) {
      this.catalogueHit(entry, line);
      return;
    }
    if (this.wrapperLine(line) || !idle) return;
    if (this.boring.size >= MAX_BORING) this.boring.clear();
    this.boring.add(line);
  }

  /** Lines that continue an open record; true when the line belongs to it. */
  private feedPending(line: string): boolean {
    let consumed = false;
    for (const p of this.pending) {
      if (p.kind === 'etc-files') {
        const file = /^(\/etc\/\S+)$/.exec(line)?.[1];
        if (file !== undefined) {
          (p.facts.files ??= []).push(file);
          p.evidence.push(line);
          consumed = true;
        }
      } else if (p.kind === 'option') {
        if (/via option|^- In [`'‘]|^In [`'‘]|Definition values/.test(line)) {
          if (BUILDER_CONTEXT.test(line)) p.relevant = true;
          if (/via option [`'‘]?nix\.linux-builder\.config/.test(line)) p.facts.viaBuilderConfig = true;
          if (p.evidence.length < MAX_EVIDENCE) p.evidence.push(line);
          consumed = true;
        }
      } else {
        const current = /Current system: '([^']+)'/.exec(line)?.[1];
        if (current !== undefined) {
          p.facts.currentSystem = current;
          p.evidence.push(line);
          p.linesLeft = 0;
          consumed = true;
        }
      }
    }
    return consumed;
  }

  /** Nix's "required to build" in both wordings, and the derivation they are about. */
  private contextLine(line: string): boolean {
    const cannot = /^(?:error: )?Cannot build '([^']+)'/.exec(line);
    if (cannot) {
      this.lastCannotBuild = cannot[1];
      this.lastCannotBuildLine = line;
      return true;
    }
    const required = line.includes('Required system: ')
      ? /Required system: '([^']+)' with features \{([^}]*)\}/.exec(line)
      : null;
    if (required) {
      const evidence = this.lastCannotBuildLine !== undefined ? [this.lastCannotBuildLine, line] : [line];
      this.pending.push({
        kind: 'required',
        facts: {
          system: required[1] ?? '',
          features: parseFeatures(required[2]),
          ...(this.lastCannotBuild !== undefined ? { uri: this.lastCannotBuild } : {}),
        },
        evidence,
        linesLeft: 3,
        bytesLeft: WINDOW_BYTES,
      });
      return true;
    }
    const old = line.includes(' is required to build ')
      ? /a '([^']+)'(?: with features \{([^}]*)\})? is required to build '([^']+)', but I am a '([^']+)'/.exec(
          line,
        )
      : null;
    if (old) {
      this.required(
        {
          system: old[1] ?? '',
          features: parseFeatures(old[2]),
          uri: old[3] ?? '',
          currentSystem: old[4] ?? '',
        },
        [line],
      );
      return true;
    }
    return false;
  }

  private catalogueHit(entry: CatalogueEntry, line: string): void {
    const option = /[`'‘]([^`'’]+)[`'’]/.exec(line.slice(line.search(/option/)))?.[1];
    switch (entry.cause) {
      case 'option-does-not-exist':
      case 'option-removed':
      case 'conflicting-definition':
      case 'option-type-mismatch': {
        const expectedType =
          entry.cause === 'option-type-mismatch'
            ? /is not of type [`'‘]([^`'’]+)[`'’]/.exec(line)?.[1]
            : undefined;
        const facts: TextFacts = {
          ...(option !== undefined ? { option } : {}),
          ...(expectedType !== undefined ? { expectedType } : {}),
          ...(entry.cause === 'option-removed' && /can no longer be used/.test(line)
            ? { removedOptionRead: true }
            : {}),
        };
        const relevant = option !== undefined && (BUILDER_OPTION.test(option) || BUILDER_CONTEXT.test(line));
        this.pending.push({
          kind: 'option',
          cause: entry.cause,
          facts,
          evidence: [line],
          linesLeft: 6,
          bytesLeft: WINDOW_BYTES,
          relevant,
        });
        return;
      }
      case 'unmanaged-etc-files':
        this.pending.push({
          kind: 'etc-files',
          cause: entry.cause,
          facts: { files: [] },
          evidence: [line],
          linesLeft: WINDOW_LINES,
          bytesLeft: WINDOW_BYTES,
        });
        return;
      case 'hostname-unresolved': {
        const name = /Could not resolve hostname ([^:\s]+):/.exec(line)?.[1];
        this.add(entry.cause, entry.explanation, [line], {
          ...(name !== undefined ? { unresolvedName: name } : {}),
        });
        return;
      }
      default:
        this.add(entry.cause, entry.explanation, [line], {});
    }
  }

  /** Nix's wrappers: they say a remote build failed, not why; named only when nothing better is in the text. True when it named one. */
  private wrapperLine(line: string): boolean {
    if (
      /cannot build on '[^']*'/.test(line) &&
      /failed to start SSH connection|cannot connect to|unexpected end-of-file|disconnected unexpectedly|unable to open SSH connection/.test(
        line,
      )
    ) {
      this.add(
        'ssh-connection-failed',
        'Nix could not open the SSH connection to the builder; the line does not say why',
        [line],
        {},
      );
    } else if (/cannot open connection to remote store '[^']*': error: unexpected end-of-file/.test(line)) {
      this.add(
        'ssh-connection-failed',
        "Nix lost the SSH connection to the builder (`unexpected end-of-file`); ssh's reason went to the nix-daemon's stderr",
        [line],
        {},
      );
    } else if (
      /Failed to find a machine for remote build!|unable to start any build; remote machines may not have all required system features/.test(
        line,
      )
    ) {
      this.add('remote-build-failed', 'Nix found no remote machine it could use for this build', [line], {});
    } else return false;
    return true;
  }

  private resolvePending(p: Pending): void {
    if (p.kind === 'required') {
      if (p.facts.currentSystem !== undefined) this.required(p.facts, p.evidence);
      return;
    }
    if (p.kind === 'option' && p.relevant !== true) return; // an option error about something else than the builder
    const cause = p.cause ?? 'unknown';
    const what =
      p.kind === 'option'
        ? `${cause === 'option-does-not-exist' ? 'the option does not exist' : cause === 'option-removed' ? 'the option was removed' : cause === 'conflicting-definition' ? 'the option has conflicting definition values' : 'the option has a value of the wrong type'}: \`${p.facts.option ?? '?'}\`${p.facts.viaBuilderConfig === true ? " (inside nix.linux-builder.config, the VM's NixOS configuration)" : ''}`
        : `nix-darwin refuses to overwrite ${p.facts.files?.length ?? 0} file(s) in /etc it did not write${p.facts.files && p.facts.files.length > 0 ? `: ${p.facts.files.join(', ')}` : ''}`;
    this.add(cause, what, p.evidence, { text: p.facts }, p.facts.option);
  }

  private required(facts: TextFacts, evidence: string[]): void {
    const system = facts.system ?? '';
    const current = facts.currentSystem ?? '';
    // Only a Mac asking for a Linux build is ours (a Linux host without KVM, say, is not).
    if (!current.endsWith('-darwin') || !system.endsWith('-linux')) return;
    const features = facts.features ?? [];
    const drv = facts.uri ?? '';
    let cause: CauseId;
    let summary: string;
    if (features.length > 0) {
      cause = 'missing-features';
      summary = `no builder for ${system} that offers the required features {${features.join(', ')}} took the build of ${drv}`;
    } else if (archOf(system) !== archOf(current)) {
      cause = 'system-not-offered';
      summary = `no builder offers ${system}, which ${drv} needs (this Mac is ${current})`;
    } else if (NIXOS_PART.test(drv)) {
      cause = 'vm-image-not-cached';
      summary = `no Linux builder took ${drv}, a part of a NixOS system: on the switch that enables nix.linux-builder that is the builder's own VM image, which is not in the binary cache`;
    } else {
      cause = 'no-builder-configured';
      summary = `no Linux builder took the ${system} build of ${drv}: none is configured for ${system}, or the builders setting is empty`;
    }
    this.add(cause, summary, evidence, { text: facts });
  }

  private add(cause: CauseId, summary: string, evidence: string[], facts: FixFacts, option?: string): void {
    const key = option !== undefined ? `${cause}:${option}` : cause;
    const known = this.found.get(key);
    if (known) {
      known.occurrences++;
      for (const line of evidence)
        if (known.evidence.length < MAX_EVIDENCE && !known.evidence.includes(line)) known.evidence.push(line);
      return;
    }
    this.found.set(key, {
      cause,
      summary,
      evidence: [...new Set(evidence)].slice(0, MAX_EVIDENCE),
      occurrences: 1,
      facts,
      order: this.order++,
      ...(option !== undefined ? { option } : {}),
    });
  }

  private conclude(): ExplainedProblem[] {
    const all = [...this.found.values()];
    const causes = new Set(all.map((p) => p.cause));
    const connection = all.some((p) => CONNECTION_CAUSES.has(p.cause));
    const kept = all.filter((p) => {
      if ((SUPPRESSED_BY[p.cause] ?? []).some((c) => causes.has(c))) return false;
      if (causes.has('host-name-has-scheme') && SCHEME_CONSEQUENCES.has(p.cause)) return false;
      if (connection && (GENERIC_CAUSES.has(p.cause) || REQUIRED_CAUSES.has(p.cause))) return false;
      if (
        p.cause === 'remote-build-failed' &&
        (causes.has('ssh-connection-failed') || [...REQUIRED_CAUSES].some((c) => causes.has(c)))
      )
        return false;
      if (REQUIRED_CAUSES.has(p.cause) && causes.has('ssh-connection-failed')) return false;
      return true;
    });
    return kept
      .sort((a, b) => a.order - b.order)
      .map(({ facts, order: _order, ...problem }) => {
        const fix = fixFor(problem.cause, { host: 'linux-builder', ...facts });
        const probe = PROBE_FOR[problem.cause];
        const confirm =
          problem.cause === 'missing-features'
            ? `linux-builder-doctor test --features ${(facts.text?.features ?? []).join(',')}`
            : REQUIRED_CAUSES.has(problem.cause) || GENERIC_CAUSES.has(problem.cause)
              ? 'sudo linux-builder-doctor probe && linux-builder-doctor test'
              : probe !== undefined
                ? `sudo linux-builder-doctor probe --only ${probe}`
                : undefined;
        return { ...problem, ...(fix ? { fix } : {}), ...(confirm !== undefined ? { confirm } : {}) };
      });
  }
}

/** Explain a whole text at once. */
export function explainText(text: string): ExplainResult {
  const explainer = new Explainer();
  explainer.feed(text);
  return explainer.finish();
}
