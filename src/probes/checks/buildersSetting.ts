/**
 * The effective `builders` setting: `nix config show builders` (Nix 2.20+) or `nix show-config`
 * (older), falling back to reading nix.conf when nix cannot run. Empty means the machines file is
 * ignored: nix-darwin writes `builders =` when nix.distributedBuilds = false (docs/dev/domain.md#the-machines-file-and-buildmachines).
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Evidence } from '../../protocol/probes.js';
import type { BuildersSetting, ProbeDefinition } from '../context.js';
import { commandEvidence } from '../context.js';
import type { CommandResult } from '../exec.js';
import { describeExternal, readExternalBuilders } from '../externalBuilders.js';
import { parseMachines } from '../machinesFile.js';
import { failure, realPath } from './common.js';
import { nixVersionAtLeast } from './nixInstall.js';

/** `builders` from nix.conf text (last assignment wins; `include`s are not followed). */
export function buildersFromConf(text: string, nixConfDir: string): string {
  let value = `@${nixConfDir}/machines`;
  for (const line of text.split('\n')) {
    const m = /^\s*builders\s*=(.*)$/.exec(line.replace(/#.*$/, ''));
    if (m) value = (m[1] ?? '').trim();
  }
  return value;
}

/** Where a `builders` value comes from: a nix.conf (file and line) or the NIX_CONFIG variable. */
export interface BuildersOrigin {
  file?: string;
  line?: number;
  env?: 'NIX_CONFIG';
  value: string;
}

/** The last `builders = …` line of a nix.conf text (the one that counts), with its line number. */
export function lastBuildersLine(text: string): { line: number; value: string } | undefined {
  let found: { line: number; value: string } | undefined;
  text.split('\n').forEach((raw, i) => {
    const m = /^\s*builders\s*=(.*)$/.exec(raw.replace(/#.*$/, ''));
    if (m) found = { line: i + 1, value: (m[1] ?? '').trim() };
  });
  return found;
}

/**
 * The configuration files Nix reads, in the order it applies them (a later `builders` overrides an
 * earlier one): $NIX_CONF_DIR/nix.conf, then the user's files in REVERSE of their list
 * (NIX_USER_CONF_FILES, else $XDG_CONFIG_HOME (~/.config) then $XDG_CONFIG_DIRS, each + /nix/nix.conf:
 * the first listed wins), then NIX_CONFIG (NixOS/nix src/libstore/globals.cc, loadConfFile and
 * getUserConfigFiles).
 */
export function nixConfFiles(nixConfDir: string, env: NodeJS.ProcessEnv, home: string): string[] {
  let user: string[];
  if (env.NIX_USER_CONF_FILES !== undefined)
    user = env.NIX_USER_CONF_FILES.split(':').filter((f) => f !== '');
  else {
    const configHome =
      env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== ''
        ? env.XDG_CONFIG_HOME
        : `${home}/.config`;
    const configDirs = (env.XDG_CONFIG_DIRS ?? '/etc/xdg').split(':').filter((d) => d !== '');
    user = [configHome, ...configDirs].map((d) => `${d}/nix/nix.conf`);
  }
  return [`${nixConfDir}/nix.conf`, ...user.reverse()];
}

/** Which file (or NIX_CONFIG) sets the `builders` that Nix uses: the last one that sets it. */
export function buildersOrigin(files: string[], env: NodeJS.ProcessEnv): BuildersOrigin | undefined {
  let origin: BuildersOrigin | undefined;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const found = lastBuildersLine(text);
    if (found !== undefined) origin = { file, line: found.line, value: found.value };
  }
  if (env.NIX_CONFIG !== undefined) {
    const found = lastBuildersLine(env.NIX_CONFIG);
    if (found !== undefined) origin = { env: 'NIX_CONFIG', value: found.value };
  }
  return origin;
}

/** The files named by `@file` in a builders value. */
export function machinesFilesOf(value: string): string[] {
  return value
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter((s) => s.startsWith('@'))
    .map((s) => s.slice(1).trim());
}

const SHOW_CONFIG = ['nix', '--extra-experimental-features', 'nix-command', 'show-config'];
const CONFIG_SHOW = ['nix', '--extra-experimental-features', 'nix-command', 'config', 'show', 'builders'];

/** What the spellings started early printed (run() runs a missing one itself). */
interface Spellings {
  configShow?: CommandResult;
  showConfig?: CommandResult;
}

/**
 * The version each nix binary reported, by its real path and mtime (a store path never changes; a
 * binary replaced in place gets a new mtime): a process that runs the probes again (the language
 * server) starts only the spelling that version knows. Only a guide: run() decides from this run's
 * `nix --version` and runs whatever is missing.
 */
const versionOfNix = new Map<string, string>();

/** The `nix` a command run with this environment's PATH executes, as real path and mtime. */
function nixBinaryKey(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (!dir.startsWith('/')) continue;
    try {
      const file = realpathSync(join(dir, 'nix'));
      const info = statSync(file);
      if (info.isFile() && (info.mode & 0o111) !== 0) return `${file}\0${info.mtimeMs}`;
    } catch {
      /* not in this directory */
    }
  }
  return undefined;
}

const isModern = (version: string | undefined): boolean => nixVersionAtLeast(version, 2, 20);

export const buildersSettingProbe: ProbeDefinition<Spellings> = {
  id: 'builders-setting',
  title: 'Effective builders setting',
  checks:
    'effective `builders` (`nix config show builders`, `nix show-config` before 2.20); when empty, which file or `NIX_CONFIG` emptied it',
  verdicts: '`distributed-builds-off`, `builders-overridden`',
  requires: [],
  // nix-install's version says which spelling this Nix knows; the version only orders the reading.
  after: ['nix-install'],
  // Each spelling is a whole nix start, and waiting for `nix --version` first put two of them one
  // after the other at the head of every run: they run alongside it instead, and run() reads them
  // as the version says. Both, unless this process saw this nix binary's version before (then the
  // one that version knows: the other would only cost a nix start that fails or prints the settings).
  early: {
    after: [],
    async start(ctx, signal) {
      const env = ctx.nixEnv();
      const key = nixBinaryKey(env);
      const known = key === undefined ? undefined : versionOfNix.get(key);
      const wanted = (modern: boolean): boolean => known === undefined || isModern(known) === modern;
      const [configShow, showConfig] = await Promise.all([
        wanted(true) ? ctx.run(CONFIG_SHOW, 5000, { env, signal }) : undefined,
        wanted(false) ? ctx.run(SHOW_CONFIG, 5000, { env, signal }) : undefined,
      ]);
      return {
        ...(configShow !== undefined ? { configShow } : {}),
        ...(showConfig !== undefined ? { showConfig } : {}),
      };
    },
  },
  async run(ctx, early) {
    const evidence: Evidence[] = [];
    let setting: BuildersSetting | undefined;
    const showConfig = SHOW_CONFIG;
    const configShow = CONFIG_SHOW;
    const spelled = (argv: string[]): Promise<CommandResult> => {
      const ran = early?.[argv === configShow ? 'configShow' : 'showConfig'];
      return ran !== undefined ? Promise.resolve(ran) : ctx.run(argv, 5000, { env: ctx.nixEnv() });
    };
    const version = ctx.facts.nixVersion;
    const key = nixBinaryKey(ctx.nixEnv());
    if (version !== undefined && key !== undefined) versionOfNix.set(key, version);
    // `nix config show` is Nix 2.20+; older ones (and forks) only know `show-config`: try the other on failure.
    let modern = isModern(version);
    let argv = modern ? configShow : showConfig;
    let result = await spelled(argv);
    if (result.exitCode !== 0 && result.spawnError === undefined) {
      const retry = await spelled(modern ? showConfig : configShow);
      if (retry.exitCode === 0) {
        result = retry;
        modern = !modern;
        argv = modern ? configShow : showConfig;
      }
    }
    if (result.exitCode === 0) {
      const value = modern
        ? result.stdout.trim()
        : (/^builders = (.*)$/m.exec(result.stdout)?.[1] ?? '').trim();
      setting = { value, source: argv.join(' ') };
      evidence.push(commandEvidence(result, `builders = ${value}`));
    } else {
      evidence.push(commandEvidence(result));
      let text = '';
      try {
        text = readFileSync(ctx.paths.nixConf, 'utf8');
      } catch {
        /* Nix's defaults apply */
      }
      const value = buildersFromConf(text, ctx.paths.nixConfDir);
      setting = { value, source: ctx.paths.nixConf };
      evidence.push({
        file: ctx.paths.nixConf,
        detail: `builders = ${value} (read from the file because nix could not run)`,
      });
    }
    const files = machinesFilesOf(setting.value);
    if (files[0] !== undefined) setting.file = files[0];
    ctx.facts.builders = setting;
    const confEnv = ctx.nixEnv();
    const external = readExternalBuilders(
      nixConfFiles(ctx.paths.nixConfDir, confEnv, confEnv.HOME ?? homedir()),
    ).filter((b) => b.systems.some((s) => s.endsWith('-linux')));
    if (external.length > 0) {
      ctx.facts.externalBuilders = external;
      for (const b of external)
        evidence.push({ file: b.file, detail: describeExternal(b, realPath(ctx, b.file)) });
    }
    const native = external[0];
    if (setting.value === '' && native !== undefined && !existsSync(ctx.paths.machinesFile)) {
      // Not "no builder": Determinate's native builder is an external builder, not a builders entry.
      return {
        status: 'ok',
        summary: `builders is empty (no SSH builders); Linux builds go to ${describeExternal(native, realPath(ctx, native.file))}`,
        evidence,
      };
    }
    if (setting.value === '') {
      const machines = ctx.paths.machinesFile;
      let entries = 0;
      if (existsSync(machines)) {
        try {
          entries = parseMachines(readFileSync(machines, 'utf8')).entries.length;
        } catch {
          /* unreadable: counted as none */
        }
      }
      if (entries > 0) {
        evidence.push({
          file: machines,
          detail: `${entries} builder entr${entries === 1 ? 'y' : 'ies'}, ignored while builders is empty`,
        });
        // nix-darwin writes `builders =` into /etc/nix/nix.conf; anywhere else it is the user's own override.
        const env = ctx.nixEnv();
        const origin = buildersOrigin(nixConfFiles(ctx.paths.nixConfDir, env, env.HOME ?? homedir()), env);
        if (origin !== undefined && origin.file !== ctx.paths.nixConf) {
          const where =
            origin.env === 'NIX_CONFIG'
              ? 'the NIX_CONFIG environment variable'
              : `${realPath(ctx, origin.file ?? '')} line ${origin.line ?? '?'}`;
          evidence.push(
            origin.file !== undefined
              ? { file: origin.file, detail: `line ${origin.line ?? '?'}: builders = ${origin.value}` }
              : { detail: `NIX_CONFIG: builders = ${origin.value}` },
          );
          return failure(
            ctx,
            'builders-overridden',
            `builders is empty because ${where} sets \`builders =\`, overriding ${realPath(ctx, ctx.paths.nixConf)}: Nix ignores the ${entries} builder(s) in ${realPath(ctx, machines)} for builds started from this account (the nix-daemon takes the client's builders)`,
            evidence,
            origin.file !== undefined
              ? { overridingFile: realPath(ctx, origin.file) }
              : { overridingFile: 'NIX_CONFIG' },
          );
        }
        return failure(
          ctx,
          'distributed-builds-off',
          `builders is empty, so Nix ignores the ${entries} builder(s) in ${realPath(ctx, machines)} (nix-darwin writes \`builders =\` when nix.distributedBuilds = false)`,
          evidence,
        );
      }
      return failure(
        ctx,
        'no-builder-configured',
        'builders is empty and there is no machines file: Nix has no remote builder',
        evidence,
      );
    }
    return { status: 'ok', summary: `builders = ${setting.value}`, evidence };
  },
};
