import { CAUSE_IDS, type CauseId, type ProbeFix } from '../../protocol/probes.js';

/** What `linux-builder-doctor test` printed on stdout about a failed build (src/cli/commands/test.ts). */
export interface TestBuildDiagnosis {
  /** The system the CLI built for: the user's choice, or the builder's own (its machines entry). */
  system?: string;
  summary?: string;
  cause?: CauseId;
  fix?: ProbeFix;
}

/**
 * Reads the result lines the CLI's `test` prints on stdout after the build ("failed: …",
 * "system: …", "cause: …", "fix: …" and the fix's commands indented by two spaces). Its build log goes to
 * stderr, so nothing from the build can pose as these lines; an unknown cause id is dropped.
 */
export function parseTestOutput(stdout: string): TestBuildDiagnosis {
  const diagnosis: TestBuildDiagnosis = {};
  let fix: ProbeFix | undefined;
  for (const line of stdout.split(/\r?\n/)) {
    if (fix && line.startsWith('  ')) {
      (fix.commands ??= []).push(line.slice(2));
      continue;
    }
    const [, key, value] = /^([a-z]+): (.*)$/.exec(line) ?? [];
    if (key === 'failed' && value !== undefined) diagnosis.summary = value;
    else if (key === 'system' && value) diagnosis.system = value;
    else if (key === 'cause' && (CAUSE_IDS as readonly string[]).includes(value ?? ''))
      diagnosis.cause = value as CauseId;
    else if (key === 'fix' && value) fix = diagnosis.fix = { summary: value };
  }
  return diagnosis;
}
