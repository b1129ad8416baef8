/**
 * One thread of a parallel `check` (parallelCheck.ts): takes files from the counter it shares with
 * the other threads, reads and parses them, sends back what the other files need of them (facts
 * and texts), then judges its files with the configurations built from every file's facts (its
 * own and those it is sent), and sends the findings. The parse trees never leave the thread that
 * made them: only plain data crosses.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CheckJudge, memberOf, readForCheck, type CheckMember, type ReadForCheck } from './checkFiles.js';
import { nodeFs } from './fileSystem.js';
import { errorText } from '../protocol/errorText.js';
import {
  claimNext,
  NOT_STARTED,
  STARTED,
  type JudgeRequest,
  type ReadReply,
  type ShardRequest,
  type JudgedReply,
} from './parallelCheck.js';

function run(
  port: NonNullable<typeof parentPort>,
  { files, disabledRules, claims, slot }: ShardRequest,
): void {
  // Too late: the main thread read every file while this one loaded.
  if (Atomics.compareExchange(claims, slot, NOT_STARTED, STARTED) !== NOT_STARTED) return;
  const read: ReadForCheck[] = [];
  const own = new Map<number, CheckMember>();
  const reply: ReadReply = { results: [] };
  for (
    let index = claimNext(claims, files.length);
    index !== undefined;
    index = claimNext(claims, files.length)
  ) {
    const result = readForCheck(files[index] ?? '', nodeFs, { disabledRules });
    if (!('read' in result)) {
      reply.results.push({ index, result });
      continue;
    }
    read.push(result.read);
    const member = memberOf(result.read);
    own.set(index, member);
    reply.results.push({ index, result: { member, text: result.read.parsed.text } });
  }
  port.once('message', ({ others, texts }: JudgeRequest) => {
    // Every file's facts in the order given: this thread's and the others', by index.
    const all = [...others, ...[...own].map(([index, member]) => ({ index, member }))];
    all.sort((a, b) => a.index - b.index);
    for (const r of read) texts.set(r.key, r.parsed.text);
    const judge = new CheckJudge(
      all.map((m) => m.member),
      nodeFs,
      (key) => texts.get(key),
    );
    const ruleErrors: JudgedReply['ruleErrors'] = [];
    const findings = read.map(
      (r) =>
        judge.judge(r, {
          disabledRules,
          onRuleError: (file, rule, error) => ruleErrors.push({ file, rule, error: errorText(error) }),
        }).findings,
    );
    const judged: JudgedReply = { findings, ruleErrors };
    port.postMessage(judged);
  });
  port.postMessage(reply);
}

if (parentPort) run(parentPort, workerData as ShardRequest);
