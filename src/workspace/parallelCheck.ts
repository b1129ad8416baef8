/**
 * `check` of many files on every core: the files are dealt round-robin to this thread and to
 * worker threads (checkWorker.ts), each reads and parses its share, the facts come together here
 * and go out to every thread (each builds the same configurations from them, checkFiles.ts'
 * CheckJudge), and each judges its own files. The result is exactly checkFiles' (same order, same
 * findings); a worker that cannot start or fails makes it checkFiles' own run, in this thread.
 * Parsing is most of a check's time, and a Mac has 8 or more cores: `nix-instantiate --parse`
 * uses one.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RuleId } from '../protocol/findings.js';
import type { Finding } from '../protocol/findings.js';
import { errorText } from '../protocol/errorText.js';
import {
  CheckJudge,
  checkFiles,
  memberOf,
  readForCheck,
  type CheckedFile,
  type CheckMember,
  type CheckOptions,
  type CheckResult,
  type FileRead,
  type ReadForCheck,
} from './checkFiles.js';
import { nodeFs } from './fileSystem.js';

/** Below this many files a thread's start-up (loading the engine, ~0.1 s) costs more than it saves. */
export const PARALLEL_MIN_FILES = 200;
/** Files per thread at least, and threads at most (the merge is repeated in each). */
const MIN_FILES_PER_THREAD = 100;
const MAX_THREADS = 8;

/** What a worker is given: its share of the files. */
export interface ShardRequest {
  files: string[];
  disabledRules: readonly string[] | undefined;
}
/** Per file of the share: its facts and text, or why it was not parsed. */
export interface ReadReply {
  results: ({ member: CheckMember; text: string } | Exclude<FileRead, { read: ReadForCheck }>)[];
}
/** Every file's facts (in the order given), and the texts related information may point into. */
export interface JudgeRequest {
  members: CheckMember[];
  texts: Map<string, string>;
}
export interface JudgedReply {
  /** Per parsed file of the share, in order. */
  findings: Finding[][];
  ruleErrors: { file: string; rule: RuleId; error: string }[];
}

/** The worker's script next to this module's: dist/checkWorker.cjs beside the bundle, or out/'s checkWorker.js. */
function workerScript(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  const script = join(dirname(here), here.endsWith('.cjs') ? 'checkWorker.cjs' : 'checkWorker.js');
  return existsSync(script) ? script : undefined;
}

/**
 * How many threads a check of `count` files uses (1: no workers), on `cores` cores whose load
 * average over the last minute is `load`. Like `make -l`, no thread is added to a machine already
 * busy (load at or above its cores): there a thread gets no core of its own, only a share of the
 * same time, and costs more work in all (its start, a second compilation, the merge repeated).
 * Measured on 2 busy cores (load 12, 3,500 files): 2 threads took as long as one, with 30 % more CPU.
 */
export function threadsFor(count: number, cores = availableParallelism(), load = loadavg()[0] ?? 0): number {
  if (count < PARALLEL_MIN_FILES || load >= cores) return 1;
  const limit = Math.min(cores, MAX_THREADS, Math.floor(count / MIN_FILES_PER_THREAD));
  return Math.max(1, Math.min(limit, Math.max(2, Math.floor(cores - load))));
}

/** A worker and its two replies (read, judged), kept from the moment they arrive. */
class ShardWorker {
  private readonly worker: Worker;
  private readonly replies: Promise<unknown>[];

  constructor(script: string, request: ShardRequest) {
    this.worker = new Worker(script, { workerData: request });
    const settle: { resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];
    this.replies = [0, 1].map(() => new Promise((resolve, reject) => settle.push({ resolve, reject })));
    // (Awaited where they are used; a failure before then is not an unhandled rejection.)
    for (const reply of this.replies) reply.catch(() => undefined);
    let next = 0;
    this.worker.on('message', (message) => settle[next++]?.resolve(message));
    // A settled reply stays as it is: only those still owed fail.
    const fail = (error: unknown) => settle.forEach(({ reject }) => reject(error));
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`check worker exited with code ${code}`)));
  }

  read(): Promise<ReadReply> {
    return this.replies[0] as Promise<ReadReply>;
  }

  judge(request: JudgeRequest): Promise<JudgedReply> {
    this.worker.postMessage(request);
    return this.replies[1] as Promise<JudgedReply>;
  }

  stop(): void {
    void this.worker.terminate();
  }
}

export async function checkFilesInParallel(
  files: readonly string[],
  options: CheckOptions = {},
  threads = threadsFor(files.length),
): Promise<CheckResult> {
  const script = workerScript();
  if (threads <= 1 || !script) return checkFiles(files, nodeFs, options);
  const shards = Array.from({ length: threads }, (_, s) => files.filter((_, i) => i % threads === s));
  const workers: ShardWorker[] = [];
  try {
    // The workers start first: they load while this thread reads its own share.
    for (const shard of shards.slice(1))
      workers.push(new ShardWorker(script, { files: shard, disabledRules: options.disabledRules }));
    return await runShards(shards, workers, options);
  } catch {
    // (A worker that cannot start or fails: the check is still owed, here.)
    return checkFiles(files, nodeFs, options);
  } finally {
    for (const worker of workers) worker.stop();
  }
}

async function runShards(
  shards: readonly string[][],
  workers: readonly ShardWorker[],
  options: CheckOptions,
): Promise<CheckResult> {
  const own = (shards[0] ?? []).map((file) => readForCheck(file, nodeFs, options));
  const replies = await Promise.all(workers.map((w) => w.read()));
  // Each shard's results, as one list per shard: this thread's own, then the workers'.
  type Result = ReadReply['results'][number] | FileRead;
  const results: Result[][] = [own, ...replies.map((r) => r.results)];
  // Back in the order given: file i is the (i / threads)-th of shard i % threads.
  const threads = shards.length;
  const ordered: { result: Result; shard: number }[] = [];
  const total = shards.reduce((n, s) => n + s.length, 0);
  for (let i = 0; i < total; i++) {
    const result = results[i % threads]?.[Math.floor(i / threads)];
    if (!result) throw new Error(`no result for file ${i} from its thread`);
    ordered.push({ result, shard: i % threads });
  }
  const members: CheckMember[] = [];
  const texts = new Map<string, string>();
  for (const { result } of ordered) {
    const member = 'read' in result ? memberOf(result.read) : 'member' in result ? result.member : undefined;
    if (!member) continue;
    members.push(member);
    texts.set(member.key, 'read' in result ? result.read.parsed.text : 'text' in result ? result.text : '');
  }
  // Related information points only at definitions: the texts of files that have some.
  const pointedAt = new Map(
    members.filter((m) => m.facts.definitions.length > 0).map((m) => [m.key, texts.get(m.key) ?? '']),
  );
  const judged = workers.map((w) => w.judge({ members, texts: pointedAt }));
  const judge = new CheckJudge(members, nodeFs, (key) => texts.get(key));
  const ruleErrors: JudgedReply['ruleErrors'][] = [[]];
  const ownFindings = own.flatMap((r) =>
    'read' in r
      ? [
          judge.judge(r.read, {
            disabledRules: options.disabledRules,
            onRuleError: (file, rule, error) => ruleErrors[0]?.push({ file, rule, error: errorText(error) }),
          }).findings,
        ]
      : [],
  );
  const findingsOf: Finding[][][] = [ownFindings];
  for (const reply of await Promise.all(judged)) {
    findingsOf.push(reply.findings);
    ruleErrors.push(reply.ruleErrors);
  }
  // Assembled as checkFiles does: parsed files in order, then those whose parse threw; rule errors
  // reported in the files' order.
  const checked: CheckedFile[] = [];
  const failed: CheckedFile[] = [];
  const skipped: CheckResult['skipped'] = [];
  const nextFinding = findingsOf.map(() => 0);
  const errorsByFile = new Map<string, JudgedReply['ruleErrors']>();
  for (const list of ruleErrors)
    for (const e of list) errorsByFile.set(e.file, [...(errorsByFile.get(e.file) ?? []), e]);
  for (const { result, shard } of ordered) {
    if ('skipped' in result) skipped.push(result.skipped);
    else if ('failed' in result) failed.push(result.failed);
    else {
      const next = nextFinding[shard] ?? 0;
      nextFinding[shard] = next + 1;
      const findings = findingsOf[shard]?.[next] ?? [];
      const file = 'read' in result ? result.read.file : result.member.file;
      const text = 'read' in result ? result.read.parsed.text : result.text;
      for (const e of errorsByFile.get(file) ?? []) options.onRuleError?.(file, e.rule, e.error);
      checked.push({ file, text, findings });
    }
  }
  return { checked: [...checked, ...failed], skipped };
}
