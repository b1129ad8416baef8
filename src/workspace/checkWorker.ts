/**
 * One thread of a parallel `check` (parallelCheck.ts): reads and parses its share of the files,
 * sends back what the other files need of them (facts and texts), then judges its files with the
 * configurations built from every file's facts, and sends the findings. The parse trees never
 * leave the thread that made them: only plain data crosses.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CheckJudge, memberOf, readForCheck, type ReadForCheck } from './checkFiles.js';
import { nodeFs } from './fileSystem.js';
import { errorText } from '../protocol/errorText.js';
import type { JudgeRequest, ReadReply, ShardRequest, JudgedReply } from './parallelCheck.js';

function run(port: NonNullable<typeof parentPort>, { files, disabledRules }: ShardRequest): void {
  const read: ReadForCheck[] = [];
  const reply: ReadReply = {
    results: files.map((file) => {
      const result = readForCheck(file, nodeFs, { disabledRules });
      if (!('read' in result)) return result;
      read.push(result.read);
      return { member: memberOf(result.read), text: result.read.parsed.text };
    }),
  };
  port.once('message', ({ members, texts }: JudgeRequest) => {
    const judge = new CheckJudge(members, nodeFs, (key) => texts.get(key));
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
