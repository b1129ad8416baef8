import * as vscode from 'vscode';

/** The `linuxBuilderDoctor.*` settings the extension reads (package.json `contributes.configuration`). */
export interface DoctorSettings {
  rulesDisabled: string[];
  probeTimeoutMs: number;
  builderHost: string | undefined;
  /** Advanced: read system files under this folder instead of `/` (the CLI's `--root`). */
  probesRoot: string | undefined;
  /** Run ssh/nix on the probesRoot files even when they would run commands (machine scope only). */
  probesTrustRoot: boolean;
  testSystem: string | undefined;
  autoRun: boolean;
  /** Extra environment for the server and CLI, e.g. PATH when VS Code started from the Dock. */
  serverEnv: Record<string, string>;
}

export const SECTION = 'linuxBuilderDoctor';

/**
 * Settings whose change only takes effect when the language server restarts. The server re-reads
 * the rest live (didChangeConfiguration); the bundled server's environment is fixed at spawn.
 */
export const RESTART_SETTINGS = [`${SECTION}.server.env`];

/** Settings that change what the health checks look at or how long they wait (probes.ts probeParams). */
export const PROBE_SETTINGS = [
  `${SECTION}.probes.root`,
  `${SECTION}.probes.trustRoot`,
  `${SECTION}.probes.timeoutMilliseconds`,
  `${SECTION}.builderHost`,
];

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

export function readSettings(): DoctorSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  return {
    rulesDisabled: config.get<string[]>('rules.disabled', []),
    probeTimeoutMs: config.get<number>('probes.timeoutMilliseconds', 10_000),
    builderHost: nonEmpty(config.get<string>('builderHost')),
    probesRoot: nonEmpty(config.get<string>('probes.root')),
    probesTrustRoot: config.get<boolean>('probes.trustRoot', false),
    testSystem: nonEmpty(config.get<string>('testBuild.system')),
    autoRun: config.get<boolean>('probes.autoRun', true),
    serverEnv: stringRecord(config.get<unknown>('server.env')),
  };
}
