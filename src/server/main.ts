/**
 * linux-builder-doctor language server: `node dist/server.cjs --stdio`. stdout is the LSP
 * channel, so once it is open nothing may print to it; logs go to the client (window/logMessage)
 * or stderr. Only `--version`, which never opens the channel, prints there.
 */
import { ProposedFeatures, createConnection, type Connection } from 'vscode-languageserver/node';
import { startServer } from './server.js';
import { TOOL_VERSION } from '../protocol/version.js';
import { keepHeapSmall } from './heapLimits.js';
import { errorText } from '../protocol/errorText.js';
import { coalescedOutput } from './coalescedOutput.js';
import { format } from 'node:util';

keepHeapSmall();

const argv = process.argv.slice(2);
if (argv.includes('--version')) {
  process.stdout.write(`linux-builder-doctor language server ${TOOL_VERSION}\n`);
  process.exit(0);
}

// The library picks the transport from --stdio / --node-ipc / --socket= / --pipe=; with none
// given, default to stdio (what every editor but VS Code uses) instead of refusing to start.
const transportGiven = argv.some(
  (a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe='),
);
// Over stdio the replies go out once per turn of the event loop (coalescedOutput.ts).
const stdio = !transportGiven || argv.includes('--stdio');
const connection: Connection = stdio
  ? createConnection(ProposedFeatures.all, process.stdin, coalescedOutput(process.stdout))
  : createConnection(ProposedFeatures.all);
if (stdio) {
  // stdout is the LSP channel: what a dependency prints goes to the client's log instead (the
  // library does this itself only when it opens stdio from --stdio).
  const toLog = (...args: unknown[]): void => connection.console.log(format(...args));
  console.log = toLog;
  console.info = toLog;
  console.debug = toLog;
}

// The server must outlive any bug: report it to the client and keep serving.
const report =
  (kind: string) =>
  (error: unknown): void => {
    const text = errorText(error, { stack: true });
    try {
      connection.console.error(`${kind}: ${text}`);
    } catch {
      process.stderr.write(`${kind}: ${text}\n`);
    }
  };
process.on('uncaughtException', report('uncaught exception'));
process.on('unhandledRejection', report('unhandled rejection'));

startServer(connection);
connection.listen();
