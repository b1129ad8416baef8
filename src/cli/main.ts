/**
 * linux-builder-doctor: check | explain | probe | test | report (contract: docs/dev/architecture.md#stable-names-and-the-cli-contract).
 * Each command lives in its own file and returns the process exit code.
 */
import { runCheckCommand } from './commands/check.js';
import { TOOL_VERSION } from '../protocol/version.js';
import { USAGE, type CliIo } from './io.js';
import { errorText } from '../protocol/errorText.js';

type Command = (args: string[], io: CliIo) => Promise<number>;

/**
 * Each command loaded when it runs: `check` is in the main bundle; the probes, the test build and
 * the error explainer (most of the code: the probe chain, the SSH configuration reader, the
 * explain corpus) are bundles of their own (scripts/build.mjs), so a `check` does not load or
 * compile them.
 */
const commands: Record<string, () => Promise<Command>> = {
  check: () => Promise.resolve(runCheckCommand),
  explain: async () => (await import('./commands/explain.js')).runExplainCommand,
  probe: async () => (await import('./commands/probe.js')).runProbeCommand,
  test: async () => (await import('./commands/test.js')).runTestCommand,
  report: async () => (await import('./commands/report.js')).runReportCommand,
};

async function main(argv: string[]): Promise<number> {
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    stdin: process.stdin,
  };
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout(`${TOOL_VERSION}\n`);
    return 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    io.stderr(`linux-builder-doctor: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  return (await load())(rest, io);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`linux-builder-doctor: internal error: ${errorText(error, { stack: true })}\n`);
    process.exitCode = 2;
  },
);
