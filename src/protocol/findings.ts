/**
 * The shapes the analysis engine returns and `check --format json` prints.
 * Positions are 0-based and count UTF-16 code units, exactly as LSP does, so the
 * same JSON serves the CLI, the language server and the tests.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  isPreferred: boolean;
  edits: TextEdit[];
}

/** Stable rule ids; they are the diagnostic `code`. Never rename one (docs/dev/architecture.md#stable-names-and-the-cli-contract). */
export const RULE_IDS = [
  'syntax-error',
  'unknown-option',
  'ssh-options',
  'removed-option',
  'type-mismatch',
  'requires-nix-enable',
  'distributed-builds-off',
  'ssh-config-disabled',
  'host-port-mismatch',
  'x86-needs-emulation',
  'rosetta-unsupported',
  'ssh-key-store-path',
  'public-host-key-format',
  'localhost-no-port',
  'localhost-skips-ssh',
  'config-needs-bootstrap',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

/** Another definition a finding depends on (LSP `relatedInformation`). */
export interface RelatedInformation {
  /** The file it is in; absent while analysing an unsaved buffer: the finding's own file. */
  file?: string;
  range: Range;
  message: string;
}

export interface Finding {
  /** Absent while analysing an unsaved buffer; the CLI fills it with the path it read. */
  file?: string;
  range: Range;
  severity: Severity;
  code: RuleId;
  message: string;
  fixes: Fix[];
  /** Present when the finding depends on other definitions (`nix.enable = false` in another module). */
  related?: RelatedInformation[];
}
