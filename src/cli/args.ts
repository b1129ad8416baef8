/**
 * The CLI's flags, all in one table, and the one parser (node:util `parseArgs`) every command uses.
 * The `--help` text (io.ts) and the README's command-line block list exactly these flags, per
 * command (test/unit/cli/usage.test.ts compares them), so a new flag cannot go undocumented.
 */
import { parseArgs as parseFlags, type ParseArgsConfig } from 'node:util';
import { errorText } from '../protocol/errorText.js';

type FlagTable = NonNullable<ParseArgsConfig['options']>;

const value = { type: 'string' } as const;
const toggle = { type: 'boolean' } as const;

export const COMMAND_FLAGS = {
  check: { format: value, fix: toggle, 'disable-rule': { type: 'string', multiple: true } },
  explain: { format: value, config: value },
  probe: {
    format: value,
    root: value,
    'trust-root': toggle,
    only: value,
    'timeout-ms': value,
    builder: value,
    'no-redact': toggle,
  },
  test: { system: value, features: value, root: value, 'trust-root': toggle, 'timeout-ms': value },
  report: { root: value, 'trust-root': toggle, 'timeout-ms': value, builder: value },
} as const satisfies Record<string, FlagTable>;

export type CommandName = keyof typeof COMMAND_FLAGS;

/** A command line the command cannot run: exit 2 with the message. */
export class UsageError extends Error {}

export interface ParsedArgs {
  /** Each flag given, trimmed (`--name value` or `--name=value`; a switch as 'true'); a repeated flag: its last value. */
  flags: Map<string, string>;
  /** Every value of a flag that may repeat (`--disable-rule a --disable-rule b`), in order. */
  repeated: Map<string, string[]>;
  positional: string[];
}

/**
 * The flags and arguments of `command`. An unknown flag, a flag without its value, a value given to a
 * switch (`--trust-root=yes`) or a value that looks like a flag (`--root --only`) is a UsageError.
 */
export function parseArgs(command: CommandName, args: string[]): ParsedArgs {
  const options: FlagTable = COMMAND_FLAGS[command];
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseFlags({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(errorText(error));
  }
  const flags = new Map<string, string>();
  const repeated = new Map<string, string[]>();
  for (const [name, given] of Object.entries(parsed.values)) {
    // Values are trimmed: `--only 'platform, nix-version'` and a pasted trailing space both work.
    const all = (Array.isArray(given) ? (given as unknown[]) : [given]).flatMap((v) =>
      v === true ? ['true'] : typeof v === 'string' ? [v.trim()] : [],
    );
    const last = all.at(-1);
    if (last === undefined) continue;
    flags.set(name, last);
    if (options[name]?.multiple === true) repeated.set(name, all);
  }
  return { flags, repeated, positional: parsed.positionals };
}
