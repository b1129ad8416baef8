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
const connection: Connection = transportGiven
  ? createConnection(ProposedFeatures.all)
  : createConnection(ProposedFeatures.all, process.stdin, process.stdout);

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
