/**
 * `check` of many files on the idle cores (threadsFor): this thread and worker threads (checkWorker.ts) take the
 * files one at a time, in order, from a counter they share (so a thread that starts late or runs
 * on a busier core reads fewer), each reads and parses what it took, the facts come together here
 * and each thread is sent the facts it lacks (each builds the same configurations from them,
 * checkFiles.ts' CheckJudge), and each judges its own files. The result is exactly checkFiles'
 * (same order, same findings); a worker that cannot start or fails makes it checkFiles' own run,
 * in this thread. Parsing is most of a check's time, and a Mac has 8 or more cores:
 * `nix-instantiate --parse` uses one.
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

/** What a worker is given: every file, and the counter the threads take them from. */
export interface ShardRequest {
  files: string[];
  disabledRules: readonly string[] | undefined;
  /** Over a SharedArrayBuffer (see `Claims`). */
  claims: Int32Array;
  /** This worker's state in `claims`. */
  slot: number;
}
/** What a thread made of one file it took: its facts and text, or why it was not parsed. */
export type ReadResult = { member: CheckMember; text: string } | Exclude<FileRead, { read: ReadForCheck }>;
/** Per file the worker took (by its index in `files`, in increasing order). */
export interface ReadReply {
  results: { index: number; result: ReadResult }[];
}
/** The facts of the files other threads read (by index), and the texts related information may point into. */
export interface JudgeRequest {
  others: { index: number; member: CheckMember }[];
  texts: Map<string, string>;
}
export interface JudgedReply {
  /** Per parsed file the worker took, in order. */
  findings: Finding[][];
  ruleErrors: { file: string; rule: RuleId; error: string }[];
}

/**
 * The counter the threads take files from (`claims[0]`: the next file's index) and each worker's
 * state (`claims[slot]`): a worker that has not started when this thread has read everything is
 * told not to (its start-up is not waited for), one that has started is waited for.
 */
export const NOT_STARTED = 0;
export const STARTED = 1;
export const CANCELLED = 2;

/** The next file for this thread to read (its index), or undefined when every file is taken. */
export function claimNext(claims: Int32Array, count: number): number | undefined {
  const index = Atomics.add(claims, 0, 1);
  return index < count ? index : undefined;
}

/** The worker's script next to this module's: dist/checkWorker.cjs beside the bundle, or out/'s checkWorker.js. */
function workerScript(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  const script = join(dirname(here), here.endsWith('.cjs') ? 'checkWorker.cjs' : 'checkWorker.js');
  return existsSync(script) ? script : undefined;
}

/**
 * How many threads a check of `count` files uses (1: no workers), on `cores` cores whose load
 * average over the last minute is `load`. A thread is added only for an idle core, and one idle
 * core is left over: each thread warms up its own copy of the engine (its first 250 files of the
 * bench's 3,500 cost three times the later ones, until V8's optimising compiler has compiled the
 * parser), and that compiler and V8's garbage collector run on background threads that need a
 * core of their own. Measured on this 2-core machine, idle (3,500 files, 6 interleaved pairs):
 * two threads took 2.78 s median against one thread's 2.60 s, with 4.7 s of CPU against 3.3 s;
 * on 2 cores at load 12, two threads took as long as one with 30 % more CPU. Like `make -l`, a
 * machine already busy (load at or above its cores) gets no thread either.
 */
export function threadsFor(count: number, cores = availableParallelism(), load = loadavg()[0] ?? 0): number {
  if (count < PARALLEL_MIN_FILES || load >= cores) return 1;
  const limit = Math.min(cores, MAX_THREADS, Math.floor(count / MIN_FILES_PER_THREAD));
  return Math.max(1, Math.min(limit, Math.floor(cores - load) - 1));
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
  const claims = new Int32Array(new SharedArrayBuffer(4 * threads));
  const workers: ShardWorker[] = [];
  try {
    // The workers start first: they load while this thread reads.
    for (let slot = 1; slot < threads; slot++)
      workers.push(
        new ShardWorker(script, { files: [...files], disabledRules: options.disabledRules, claims, slot }),
      );
    return await runShards(files, claims, workers, options);
  } catch {
    // (A worker that cannot start or fails: the check is still owed, here.)
    return checkFiles(files, nodeFs, options);
  } finally {
    for (const worker of workers) worker.stop();
  }
}

async function runShards(
  files: readonly string[],
  claims: Int32Array,
  workers: readonly ShardWorker[],
  options: CheckOptions,
): Promise<CheckResult> {
  const own: { index: number; result: FileRead }[] = [];
  for (
    let index = claimNext(claims, files.length);
    index !== undefined;
    index = claimNext(claims, files.length)
  )
    own.push({ index, result: readForCheck(files[index] ?? '', nodeFs, options) });
  // A worker still loading now would find nothing left to take: it is not waited for.
  const active = workers.filter(
    (_, k) => Atomics.compareExchange(claims, k + 1, NOT_STARTED, CANCELLED) !== NOT_STARTED,
  );
  const replies = await Promise.all(active.map((w) => w.read()));
  // Every file's result and the thread that has it (0: this one, k: active worker k - 1).
  const byIndex: { result: ReadResult | FileRead; thread: number }[] = [];
  for (const { index, result } of own) byIndex[index] = { result, thread: 0 };
  replies.forEach((reply, k) => {
    for (const { index, result } of reply.results) byIndex[index] = { result, thread: k + 1 };
  });
  const members: { index: number; member: CheckMember; thread: number }[] = [];
  const texts = new Map<string, string>();
  for (let index = 0; index < files.length; index++) {
    const taken = byIndex[index];
    if (!taken) throw new Error(`no thread read file ${index}`);
    const { result, thread } = taken;
    if ('read' in result) {
      members.push({ index, member: memberOf(result.read), thread });
      texts.set(result.read.key, result.read.parsed.text);
    } else if ('member' in result) {
      members.push({ index, member: result.member, thread });
      texts.set(result.member.key, result.text);
    }
  }
  // Each worker is sent what it lacks: the facts of the files others read, and of those the texts
  // related information may point into (it points only at definitions).
  const judged = active.map((w, k) => {
    const others = members.filter((m) => m.thread !== k + 1);
    return w.judge({
      others: others.map(({ index, member }) => ({ index, member })),
      texts: new Map(
        others
          .filter((m) => m.member.facts.definitions.length > 0)
          .map((m) => [m.member.key, texts.get(m.member.key) ?? '']),
      ),
    });
  });
  const judge = new CheckJudge(
    members.map((m) => m.member),
    nodeFs,
    (key) => texts.get(key),
  );
  const ruleErrors: JudgedReply['ruleErrors'][] = [[]];
  const ownFindings = own.flatMap(({ result }) =>
    'read' in result
      ? [
          judge.judge(result.read, {
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
  for (const { result, thread } of byIndex) {
    if ('skipped' in result) skipped.push(result.skipped);
    else if ('failed' in result) failed.push(result.failed);
    else {
      // (Each thread's findings come in the order it took its files: increasing indices.)
      const next = nextFinding[thread] ?? 0;
      nextFinding[thread] = next + 1;
      const findings = findingsOf[thread]?.[next] ?? [];
      const file = 'read' in result ? result.read.file : result.member.file;
      const text = 'read' in result ? result.read.parsed.text : result.text;
      for (const e of errorsByFile.get(file) ?? []) options.onRuleError?.(file, e.rule, e.error);
      checked.push({ file, text, findings });
    }
  }
  return { checked: [...checked, ...failed], skipped };
}
