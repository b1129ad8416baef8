/**
 * The effective `builders` setting: `nix config show builders` (Nix 2.20+) or `nix show-config`
 * (older), falling back to reading nix.conf when nix cannot run. Empty means the machines file is
 * ignored: nix-darwin writes `builders =` when nix.distributedBuilds = false (docs/dev/domain.md#the-machines-file-and-buildmachines).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Evidence } from '../../protocol/probes.js';
import type { BuildersSetting, ProbeDefinition } from '../context.js';
import { commandEvidence } from '../context.js';
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

/** The files named by `@file` in a builders value. */
export function machinesFilesOf(value: string): string[] {
  return value
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter((s) => s.startsWith('@'))
    .map((s) => s.slice(1).trim());
}

export const buildersSettingProbe: ProbeDefinition = {
  id: 'builders-setting',
  title: 'Effective builders setting',
  requires: [],
  after: ['nix-install'],
  async run(ctx) {
    const evidence: Evidence[] = [];
    let setting: BuildersSetting | undefined;
    const showConfig = ['nix', '--extra-experimental-features', 'nix-command', 'show-config'];
    const configShow = ['nix', '--extra-experimental-features', 'nix-command', 'config', 'show', 'builders'];
    // `nix config show` is Nix 2.20+; older ones (and forks) only know `show-config`: try the other on failure.
    let modern = nixVersionAtLeast(ctx.facts.nixVersion, 2, 20);
    let argv = modern ? configShow : showConfig;
    let result = await ctx.run(argv, 5000, { env: ctx.nixEnv() });
    if (result.exitCode !== 0 && result.spawnError === undefined) {
      const retry = await ctx.run(modern ? showConfig : configShow, 5000, { env: ctx.nixEnv() });
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
