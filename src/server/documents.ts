/**
 * The open .nix documents and their latest analysis. Edits are applied as they arrive and
 * composed into Lezer changed ranges; analysis runs after a short quiet period, or at once when
 * a request (hover, completion, code action) needs the current text's results, so the last
 * version is never lost and never analysed twice.
 */
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { BeyondParserLimits, startParseNix, type NixParseInProgress } from '../nix/parse.js';
import { analysisFailed, analyzeParsed, type Analysis, type AnalyzeOptions } from '../rules/analyze.js';
import type { FileFacts } from '../rules/factsIndex.js';
import type { Finding } from '../protocol/findings.js';
import type { Located } from '../nix/model.js';
import type { TextChange } from '../nix/parse.js';
import { composeChange } from './textChanges.js';
import { OpenDocument } from './openDocument.js';
import { errorText } from '../protocol/errorText.js';
import { carryLines } from '../nix/lines.js';

type ParsedNix = Analysis['parsed'];

export interface AnalyzedVersion {
  version: number;
  findings: Finding[];
  /** Absent when the analysis failed (the next one then parses from scratch). */
  parsed?: ParsedNix | undefined;
  /** The option definitions of `parsed`, computed on the first hover/completion that needs them. */
  located?: Located | null | undefined;
  /** What this version contributes to its configuration (absent when the analysis failed). */
  facts?: FileFacts | undefined;
}

export interface DocumentState {
  readonly uri: string;
  document: OpenDocument;
  analysis?: AnalyzedVersion;
  /** Edits since `analysis.parsed` was made, or 'fresh' when the next parse must start over. */
  pending: TextChange[] | 'fresh';
  dirty: boolean;
  timer?: NodeJS.Timeout | undefined;
  /** The analysis under way in slices, if any (see DocumentStore.analyzeInSlices). */
  job?: AnalysisJob | undefined;
}

interface AnalysisJob {
  /** Works for about `budgetMs`; true once the analysis is recorded (or failed and said so). */
  step(budgetMs: number): boolean;
}

/** How long one slice of a background analysis may hold the server before it yields. */
const SLICE_MS = 10;

export interface DocumentStoreOptions {
  debounceMs: number;
  analyzeOptions: (uri: string) => AnalyzeOptions;
  onAnalyzed: (state: DocumentState) => void;
  /** After the analysis of a text parsed from scratch (opened, replaced whole) is recorded. */
  onParsedFromScratch?: (textLength: number) => void;
  log: (message: string) => void;
}

export function isNixDocument(uri: string, languageId: string): boolean {
  return languageId === 'nix' || /\.nix$/i.test(uri.split(/[?#]/)[0] ?? '');
}

export class DocumentStore {
  private readonly docs = new Map<string, DocumentState>();

  constructor(private readonly options: DocumentStoreOptions) {}

  open(uri: string, languageId: string, version: number, text: string): void {
    this.close(uri);
    const state: DocumentState = {
      uri,
      document: OpenDocument.create(uri, languageId, version, text),
      pending: 'fresh',
      dirty: true,
    };
    this.docs.set(uri, state);
    this.analyzeInSlices(state);
  }

  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): void {
    const state = this.docs.get(uri);
    if (!state) return;
    state.dirty = true;
    // An analysis under way is of the text before this edit: its parse must not be recorded as
    // this text's (the edits would be lost for the next incremental parse).
    state.job = undefined;
    try {
      state.document = state.document.update(changes, version, (from, to, insertedLength) => {
        if (state.pending === 'fresh') return;
        // (The whole text replaced: the next parse starts over.)
        state.pending = to === Infinity ? 'fresh' : composeChange(state.pending, from, to, insertedLength);
      });
    } catch (error) {
      // Whatever went wrong, the recorded changes may no longer describe the text: parse afresh.
      state.pending = 'fresh';
      throw error;
    } finally {
      this.schedule(state);
    }
  }

  close(uri: string): void {
    const state = this.docs.get(uri);
    if (state?.timer) clearTimeout(state.timer);
    if (state) state.job = undefined;
    this.docs.delete(uri);
  }

  has(uri: string): boolean {
    return this.docs.has(uri);
  }

  /** The open document's text as the editor has it, without analysing it. */
  document(uri: string): DocumentState['document'] | undefined {
    return this.docs.get(uri)?.document;
  }

  /** The document with an analysis of its current text (analysing now if an edit is pending). */
  current(uri: string): (DocumentState & { analysis: AnalyzedVersion }) | undefined {
    const state = this.docs.get(uri);
    if (!state) return undefined;
    if (state.dirty || !state.analysis) this.analyzeNow(state);
    return state.analysis ? (state as DocumentState & { analysis: AnalyzedVersion }) : undefined;
  }

  /** Re-run the rules on every document (settings changed); parses are reused. */
  reanalyzeAll(): void {
    for (const state of this.docs.values()) this.analyzeNow(state);
  }

  /** Whether a document's analysis is under way in slices (analyzeInSlices). */
  analysing(): boolean {
    for (const state of this.docs.values()) if (state.job) return true;
    return false;
  }

  /** The open documents' URIs. */
  uris(): string[] {
    return [...this.docs.keys()];
  }

  /**
   * Re-run the rules on a document whose text did not change but whose configuration did (another
   * module was edited): soon, not inside the caller's turn, and at once if it is being edited anyway.
   */
  refresh(uri: string): void {
    const state = this.docs.get(uri);
    if (!state) return;
    state.dirty = true;
    if (!state.timer) this.schedule(state, 0);
  }

  dispose(): void {
    for (const state of this.docs.values()) if (state.timer) clearTimeout(state.timer);
    this.docs.clear();
  }

  private schedule(state: DocumentState, delayMs = this.options.debounceMs): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      if (this.docs.get(state.uri) === state && state.dirty) this.analyzeInSlices(state);
    }, delayMs);
  }

  /** Analyses the current text to the end, now (a request needs it). */
  private analyzeNow(state: DocumentState): void {
    const job = this.startJob(state);
    while (!job.step(Infinity));
  }

  /**
   * Analyses the current text in slices of SLICE_MS, yielding between them (setImmediate), so
   * that the other documents' notifications and requests are served meanwhile: a small file
   * opened next to a large generated one got its diagnostics only after the large one's analysis,
   * ~10 s later (docs/dev/security.md#nothing-hangs-or-crashes-on-hostile-nix). The first slice
   * runs at once: a keystroke or a small file is done within it, as before. An edit, a close or
   * an analysis on demand (`current`) abandons the job.
   */
  private analyzeInSlices(state: DocumentState): void {
    const job = this.startJob(state);
    const step = (): void => {
      if (state.job !== job || this.docs.get(state.uri) !== state) return;
      if (!job.step(SLICE_MS)) setImmediate(step);
    };
    step();
  }

  /** A job analysing the document's current text; `step` returns true once it is recorded. */
  private startJob(state: DocumentState): AnalysisJob {
    if (state.timer) {
      clearTimeout(state.timer);
      state.timer = undefined;
    }
    const text = state.document.text;
    const version = state.document.version;
    const analyzeOptions = this.options.analyzeOptions(state.uri);
    const previous =
      state.analysis?.parsed && state.pending !== 'fresh'
        ? { parsed: state.analysis.parsed, changes: state.pending }
        : undefined;
    // Same text (settings or the configuration changed): the rules run on the parse we have.
    const unchanged =
      previous && previous.changes.length === 0 && previous.parsed.text === text
        ? previous.parsed
        : undefined;
    let parse: NixParseInProgress | undefined;
    let parsed = unchanged;
    let incremental = previous !== undefined && !unchanged;
    let failure: unknown;
    const job: AnalysisJob = {
      step: (budgetMs) => {
        let result: Analysis | undefined;
        try {
          if (!parsed) {
            parse ??= startParseNix(text, incremental ? previous : undefined);
            parsed = parse.advance(budgetMs) ?? undefined;
            if (!parsed) return false;
            // (From the text and the edits alone, whichever way it was parsed.)
            if (previous) carryLines(previous.parsed, previous.changes, parsed);
          }
          result = analyzeParsed(parsed, analyzeOptions);
        } catch (error) {
          failure = error;
          // An input beyond the parser's limits is not a bug, and a fresh parse meets it again.
          if (error instanceof BeyondParserLimits) {
            this.options.log(`${state.uri} v${version} is not analysed: ${error.message}`);
            incremental = false;
          } else
            this.options.log(
              `analysis of ${state.uri} v${version} failed${incremental ? ' (incremental; retrying from scratch)' : ''}: ${errorText(error, { stack: true })}`,
            );
          if (incremental) {
            // Once more from scratch, in the next slices.
            incremental = false;
            parse = undefined;
            parsed = undefined;
            return false;
          }
        }
        if (state.job === job) state.job = undefined;
        this.record(state, version, result, failure);
        if (!unchanged && !incremental) this.options.onParsedFromScratch?.(text.length);
        return true;
      },
    };
    state.job = job;
    return job;
  }

  private record(
    state: DocumentState,
    version: number,
    result: Analysis | undefined,
    failure: unknown,
  ): void {
    // A file that cannot be analysed says so once, instead of showing nothing.
    state.analysis = {
      version,
      findings: result?.findings ?? [analysisFailed(failure)],
      parsed: result?.parsed,
      facts: result?.facts,
    };
    state.pending = result ? [] : 'fresh';
    state.dirty = false;
    try {
      this.options.onAnalyzed(state);
    } catch (error) {
      this.options.log(`publishing results for ${state.uri} failed: ${errorText(error, { stack: true })}`);
    }
  }
}
