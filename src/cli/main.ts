/**
 * linux-builder-doctor: check | explain | probe | test | report (contract: docs/dev/architecture.md#stable-names-and-the-cli-contract).
 * Each command lives in its own file and returns the process exit code.
 */
import { runCheckCommand } from './commands/check.js';
import { runExplainCommand } from './commands/explain.js';
import { runProbeCommand } from './commands/probe.js';
import { runTestCommand } from './commands/test.js';
import { runReportCommand } from './commands/report.js';
import { TOOL_VERSION } from '../protocol/version.js';
import { USAGE, type CliIo } from './io.js';

const commands: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  check: runCheckCommand,
  explain: runExplainCommand,
  probe: runProbeCommand,
  test: runTestCommand,
  report: runReportCommand,
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
  const command = commands[name];
  if (!command) {
    io.stderr(`linux-builder-doctor: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  return command(rest, io);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `linux-builder-doctor: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
