/**
 * Custom LSP messages of the linux-builder-doctor server: their method names (what other clients,
 * Neovim or Helix, send), parameter and result types, and one typed message object each
 * (vscode-jsonrpc's RequestType/NotificationType, which needs no editor) that the server registers
 * and the VS Code extension sends, so neither side repeats a method string or casts a result.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { RuleId } from './findings.js';
import type { CauseId, ProbeFix, ProbeId, ProbeReport, ProbeResult } from './probes.js';

/** Request: run the environment probes; answers with the whole report when done. */
export const RUN_PROBES_METHOD = 'linuxBuilderDoctor/runProbes';

export interface RunProbesParams {
  /** Correlates the progress notifications with this request. */
  runId: string;
  /** Read system files under this directory instead of `/` (tests stage a "Mac" there). */
  root?: string;
  only?: ProbeId[];
  timeoutMs?: number;
  /** Builder host to probe instead of the ones found in /etc/nix/machines. */
  builderHost?: string;
  /** With `root`: run ssh/nix on the staged files even when they would run commands (`--trust-root`). */
  trustRoot?: boolean;
}

export type RunProbesResult = ProbeReport;

export const RUN_PROBES_REQUEST = new RequestType<RunProbesParams, RunProbesResult, void>(RUN_PROBES_METHOD);

/** Notification (server to client): one probe finished during run `runId`. */
export const PROBE_PROGRESS_METHOD = 'linuxBuilderDoctor/probeProgress';

export interface ProbeProgressParams {
  runId: string;
  result: ProbeResult;
  /** How many probes the run will report in all, for a progress bar. */
  total: number;
}

export const PROBE_PROGRESS_NOTIFICATION = new NotificationType<ProbeProgressParams>(PROBE_PROGRESS_METHOD);

/** Request: render a Markdown doctor report (same text as `linux-builder-doctor report`). */
export const REPORT_METHOD = 'linuxBuilderDoctor/report';

export interface ReportParams {
  root?: string;
  timeoutMs?: number;
  trustRoot?: boolean;
}

export interface ReportResult {
  markdown: string;
}

export const REPORT_REQUEST = new RequestType<ReportParams, ReportResult, void>(REPORT_METHOD);

/** Request: explain an error text (a terminal line, a selection, a pasted log) like the CLI's `explain`. */
export const EXPLAIN_METHOD = 'linuxBuilderDoctor/explain';

export interface ExplainParams {
  text: string;
  /** Folders or files of the user's configuration: option errors get the rule and file:line there. */
  configPaths?: string[];
}

/** Where the configuration check finds what an option error reports (1-based line and column). */
export interface ExplainDefinition {
  rule: RuleId;
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface ExplainProblem {
  cause: CauseId;
  summary: string;
  evidence: string[];
  fix?: ProbeFix;
  /** A command that would confirm it (a probe or the test build). */
  confirm?: string;
  option?: string;
  occurrences: number;
  definitions?: ExplainDefinition[];
}

export interface ExplainResult {
  problems: ExplainProblem[];
}

/** The typed request (the same object for the client's sendRequest and the server's onRequest). */
export const EXPLAIN_REQUEST = new RequestType<ExplainParams, ExplainResult, void>(EXPLAIN_METHOD);

/**
 * Terminal lines worth a link: the wrappers and ssh/Nix texts users meet first. Only a cheap
 * prefilter for the editors' link providers; what a line means is the server's `explain`.
 */
export const EXPLAIN_LINK_LINE =
  /cannot build on '|failed to start SSH connection|Host key verification failed|is required to build|Required system: '|The option [`'‘][^`'’]+[`'’] does not exist|has conflicting definition values|Could not resolve hostname|Permission denied \(publickey|connect to host \S+ port \d+: Connection refused|Unexpected files in \/etc|Determinate detected|requires [`'‘]?nix\.enable|Failed to find a machine for remote build|UNPROTECTED PRIVATE KEY FILE|kex_exchange_identification/;

/**
 * Notification (client to server): what a health check or test build the client ran showed about
 * the builder. Advice for a first setup (`config-needs-bootstrap`) is quiet while `works` is true.
 * The server learns the same from the probe runs it serves itself (RUN_PROBES_REQUEST, REPORT_REQUEST).
 */
export const BUILDER_STATUS_METHOD = 'linuxBuilderDoctor/builderStatus';

export interface BuilderStatusParams {
  works: boolean;
  /** What showed it (for the server's log). */
  source: 'health-check' | 'test-build';
}

export const BUILDER_STATUS_NOTIFICATION = new NotificationType<BuilderStatusParams>(BUILDER_STATUS_METHOD);

/** Verdicts that say nothing about whether the builder works (the checks could not look). */
const UNDECIDED_CAUSES: readonly CauseId[] = ['needs-admin', 'unknown'];

/**
 * What a health check's verdict shows about the builder: `ok` that it works, a named failure that it
 * does not, and nothing when the checks could not look. One reading for the server (its own runs)
 * and the client (runs it made with the CLI while the server was down, told after a restart).
 */
export function builderWorksFromVerdict(cause: CauseId): boolean | undefined {
  if (cause === 'ok') return true;
  return UNDECIDED_CAUSES.includes(cause) ? undefined : false;
}

/**
 * Commands a client runs itself for the code actions that carry them (the VS Code extension declares
 * them in `initializationOptions.clientCommands`); a client that declares none gets no such action.
 */
export const DISABLE_RULE_COMMAND = 'linuxBuilderDoctor.disableRule';
/** Arguments: [ruleId] — opens the rule's documentation page. */
export const SHOW_RULE_DOCUMENTATION_COMMAND = 'linuxBuilderDoctor.showRuleDocumentation';
/**
 * Served by the server (workspace/executeCommand) for clients without the command above that can show
 * documents (`window/showDocument`): arguments [ruleId]; the server asks the client to open the page.
 */
export const OPEN_RULE_PAGE_SERVER_COMMAND = 'linuxBuilderDoctor.server.openRulePage';

/** The kind of the "fix all" source action (`editor.codeActionsOnSave: { "source.fixAll": … }` runs it). */
export const FIX_ALL_KIND = 'source.fixAll.linuxBuilderDoctor';
