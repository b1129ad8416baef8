/**
 * Nix's `external-builders` setting: builders Nix runs as a program instead of reaching over SSH.
 * Determinate Nix's native Linux builder is one, managed by determinate-nixd (program
 * `/usr/local/bin/determinate-nixd`, args `["builder"]`), so a Mac with it has no SSH entry in
 * /etc/nix/machines and still builds Linux derivations (docs/dev/domain.md#determinate-nix).
 * The value is JSON: `[{"systems":["aarch64-linux"],"program":"…","args":["builder"]}]`.
 * Read from the nix.conf files (following `include`/`!include`), never run.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

export interface ExternalBuilder {
  systems: string[];
  program: string;
  args: string[];
  /** The file that sets it. */
  file: string;
}

function settingValue(text: string, name: string): string | undefined {
  let value: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const m = new RegExp(`^\\s*(extra-)?${name}\\s*=(.*)$`).exec(raw);
    if (m) value = (m[2] ?? '').trim();
  }
  return value;
}

/** Parse one `external-builders` value; malformed JSON or entries are skipped (Nix would reject them). */
export function parseExternalBuilders(value: string, file: string): ExternalBuilder[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const builders: ExternalBuilder[] = [];
  for (const item of parsed as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { systems, program, args } = item as { systems?: unknown; program?: unknown; args?: unknown };
    if (typeof program !== 'string' || !Array.isArray(systems)) continue;
    builders.push({
      systems: systems.filter((s): s is string => typeof s === 'string'),
      program,
      args: Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string') : [],
      file,
    });
  }
  return builders;
}

/** The external builders the given nix.conf files set (the last file that sets it wins). */
export function readExternalBuilders(files: string[]): ExternalBuilder[] {
  let found: ExternalBuilder[] = [];
  const visit = (file: string, seen: Set<string>): void => {
    if (seen.has(file) || seen.size > 32) return;
    seen.add(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    const value = settingValue(text.replace(/#.*$/gm, ''), 'external-builders');
    if (value !== undefined) found = parseExternalBuilders(value, file);
    for (const m of text.matchAll(/^\s*!?include\s+(\S+)/gm)) {
      const included = m[1] ?? '';
      visit(isAbsolute(included) ? included : join(dirname(file), included), seen);
    }
  };
  for (const file of files) visit(file, new Set());
  return found;
}

/** Determinate's native builder: determinate-nixd run as `builder`. */
export function isDeterminateNative(builder: ExternalBuilder): boolean {
  return /(^|\/)determinate-nixd$/.test(builder.program) && builder.args[0] === 'builder';
}

/** `determinate-nixd builder` for aarch64-linux, x86_64-linux (from /etc/nix/nix.conf). */
export function describeExternal(builder: ExternalBuilder, file: string): string {
  const who = isDeterminateNative(builder)
    ? "Determinate's native Linux builder"
    : `the external builder ${builder.program}`;
  return `${who} (\`${[builder.program, ...builder.args].join(' ')}\`) for ${builder.systems.join(', ') || 'no system'}, set by external-builders in ${file}`;
}
