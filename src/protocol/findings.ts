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

/**
 * A rule id: the diagnostic `code`, e.g. `ssh-options`; `syntax-error` for Nix syntax. Each rule
 * declares its own (the list is `RULE_IDS` in src/rules/registry.ts). Never rename one
 * (docs/dev/architecture.md#stable-names-and-the-cli-contract).
 */
export type RuleId = string;

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
  /** One plain-text sentence, at most 120 characters, the problem first (what an editor shows inline). */
  message: string;
  /**
   * The reasoning behind the message, plain text (the hover and `check`'s text output show it; the
   * rule's page under docs/rules/ has it with sources). Absent when the message says it all.
   */
  detail?: string;
  fixes: Fix[];
  /** Present when the finding depends on other definitions (`nix.enable = false` in another module). */
  related?: RelatedInformation[];
}
