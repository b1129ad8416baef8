/**
 * The tool's version: package.json's, the one source (the bundles inline it, the compiled tests read
 * it). The CLI's `--version`, the server's `--version` and serverInfo, and the doctor report show it.
 */
import packageJson from '../../package.json' with { type: 'json' };

export const TOOL_VERSION: string = packageJson.version;
