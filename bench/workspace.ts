/**
 * Many files (issue 8 goal 3, issue 12 item 6): `check` over a generated 3,500-file configuration,
 * whole process, paired with `nix-instantiate --parse` on the same files (interleaved A B A B, so
 * the machine's load hits both alike); the cost of per-host grouping on a 400-file flake with four
 * hosts; and what opening one module costs the language server inside the big flake against the
 * same file alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { PublishDiagnosticsParams } from 'vscode-languageserver';
import { checkFiles } from '../src/workspace/checkFiles.js';
import { nodeFs } from '../src/workspace/fileSystem.js';
import { nixFilesUnder } from '../src/workspace/nixFiles.js';
import { threadsFor } from '../src/workspace/parallelCheck.js';
import { generateDarwinConfig } from '../test/util/generateConfig.js';
import { distCli } from '../test/util/paths.js';
import { LspClient, waitFor } from '../test/server/lspClient.js';
import { median, ms, ratio } from './stats.js';

const spread = (xs: readonly number[]): string =>
  `min ${ms(Math.min(...xs))} / median ${ms(median(xs))} / max ${ms(Math.max(...xs))}`;

/**
 * A module of about `lines` lines of ordinary settings (services, users, packages); as in real
 * configurations, only a few (every twentieth) touch the builder options the rules merge across files.
 */
function module(i: number, lines: number): string {
  // (The generator's header is a whole builder configuration: keep its module shape, drop its nix.* block.)
  const body = generateDarwinConfig(lines + 28, i + 1)
    .replace(/\n {2}nix\.enable = true;\n[\s\S]*?\n {2}\];\n/, '\n')
    .replace('\n  nix.linux-builder.maxJobs = 1;\n', '\n');
  if (i % 20 !== 0) return body;
  return body.replace(
    /\}\n$/,
    `  nix.linux-builder.maxJobs = ${(i % 7) + 1};\n  nix.settings.trusted-users = [ "user${i}" ];\n}\n`,
  );
}

/** A flake of `count` modules in 35 folders, no host call in sight: one configuration of all files. */
function writeFlatFlake(dir: string, count: number): string[] {
  writeFileSync(join(dir, 'flake.nix'), '{ inputs = { }; outputs = inputs: import ./outputs.nix inputs; }\n');
  const files = [join(dir, 'flake.nix')];
  for (let i = 0; i < count - 1; i++) {
    const folder = join(dir, 'modules', `group-${i % 35}`);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `module-${i}.nix`);
    writeFileSync(file, module(i, 40));
    files.push(file);
  }
  return files;
}

/** A flake of four hosts: each host's folder imports its 60 modules and the 150 shared ones (410 files). */
function writeHostFlake(dir: string, withHosts: boolean): void {
  const hosts = ['work', 'home', 'studio', 'travel'];
  const call = (h: string) =>
    `    darwinConfigurations.${h} = nix-darwin.lib.darwinSystem { modules = [ ./hosts/${h} ]; };\n`;
  writeFileSync(
    join(dir, 'flake.nix'),
    `{\n  outputs = { nix-darwin, ... }: {\n${withHosts ? hosts.map(call).join('') : ''}  };\n}\n`,
  );
  mkdirSync(join(dir, 'common'), { recursive: true });
  const shared: string[] = [];
  for (let i = 0; i < 150; i++) {
    writeFileSync(join(dir, 'common', `m${i}.nix`), module(i, 40));
    shared.push(`../../common/m${i}.nix`);
  }
  hosts.forEach((h, k) => {
    const folder = join(dir, 'hosts', h);
    mkdirSync(folder, { recursive: true });
    const own: string[] = [];
    for (let i = 0; i < 60; i++) {
      writeFileSync(join(folder, `m${i}.nix`), module(1000 * (k + 1) + i, 40));
      own.push(`./m${i}.nix`);
    }
    writeFileSync(
      join(folder, 'default.nix'),
      `{\n  imports = [\n${[...own, ...shared].map((p) => `    ${p}\n`).join('')}  ];\n}\n`,
    );
  });
}

function timeProcess(argv: string[]): number {
  const start = performance.now();
  const run = spawnSync(argv[0] ?? '', argv.slice(1), {
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 30,
  });
  const took = performance.now() - start;
  if (run.status !== 0 && run.status !== 1)
    throw new Error(`${argv[0]} exited ${run.status}: ${run.stderr.toString().slice(0, 500)}`);
  return took;
}

/** Time to the first diagnostics of `uri`, and (`publishes` > 1) to the `publishes`-th one. */
async function openCost(uri: string, text: string, publishes = 1): Promise<{ first: number; last: number }> {
  const { client } = await LspClient.start({ watchFiles: true });
  try {
    const start = performance.now();
    await client.open(uri, text);
    const seen = await waitFor(
      'diagnostics',
      () => {
        const all = client.notifications.filter(
          (n) =>
            n.method === 'textDocument/publishDiagnostics' &&
            (n.params as PublishDiagnosticsParams).uri === uri,
        );
        return all.length >= publishes ? all : undefined;
      },
      120_000,
    );
    return { first: (seen[0]?.at ?? NaN) - start, last: (seen[publishes - 1]?.at ?? NaN) - start };
  } finally {
    await client.stop();
  }
}

export async function benchWorkspace(): Promise<void> {
  console.log('\n## Many files: check, per-host grouping, server open inside a big flake');
  const dir = mkdtempSync(join(tmpdir(), 'lbd-bench-ws-'));
  try {
    const big = join(dir, 'big');
    mkdirSync(big);
    const files = writeFlatFlake(big, 3_500);
    const pairs = 5;
    const ours: number[] = [];
    const nix: number[] = [];
    let nixOk = true;
    for (let i = 0; i < pairs; i++) {
      ours.push(timeProcess([process.execPath, distCli, 'check', '--format', 'json', big]));
      if (!nixOk) continue;
      try {
        nix.push(timeProcess(['nix-instantiate', '--parse', ...files]));
      } catch (error) {
        nixOk = false;
        console.log(`nix-instantiate --parse unavailable: ${String(error).slice(0, 200)}`);
      }
    }
    // (The check adds threads only on idle cores, like make -l: say how many it would use now.)
    console.log(
      `check, ${files.length} files (whole process):     ${spread(ours)}   threads: ${threadsFor(files.length)} (load ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores)`,
    );
    if (nix.length) {
      console.log(`nix-instantiate --parse, same files:   ${spread(nix)}`);
      const ratios = ours.map((o, i) => o / (nix[i] ?? NaN));
      console.log(
        `check / nix parse, per pair:           median ${ratio(median(ratios), 1)} (min ${ratio(Math.min(...ratios), 1)}, max ${ratio(Math.max(...ratios), 1)})   target <= 5x`,
      );
    }

    for (const withHosts of [true, false]) {
      const flake = join(dir, withHosts ? 'hosts' : 'nohosts');
      mkdirSync(flake);
      writeHostFlake(flake, withHosts);
    }
    const listed = (name: string) => nixFilesUnder(join(dir, name), nodeFs).files;
    const grouped: number[] = [];
    const flat: number[] = [];
    for (let i = 0; i < 5; i++) {
      let start = performance.now();
      checkFiles(listed('hosts'), nodeFs);
      grouped.push(performance.now() - start);
      start = performance.now();
      checkFiles(listed('nohosts'), nodeFs);
      flat.push(performance.now() - start);
    }
    console.log(`check of a 4-host flake, ${listed('hosts').length} files:    ${spread(grouped)}`);
    console.log(
      `the same files without host calls:    ${spread(flat)}   per-host grouping costs ${ratio(median(grouped), median(flat))}`,
    );

    const target = files[1] ?? '';
    const alone = join(dir, 'alone');
    mkdirSync(alone);
    const aloneFile = join(alone, 'module.nix');
    const text = module(0, 40);
    writeFileSync(target, text);
    writeFileSync(aloneFile, text);
    const inside: number[] = [];
    const insideRead: number[] = [];
    const single: number[] = [];
    for (let i = 0; i < 5; i++) {
      // Inside: first diagnostics (the module judged alone while the flake's files are read in the
      // background), then the second publish, with the whole configuration's facts.
      const cost = await openCost(pathToFileURL(target).href, text, 2);
      inside.push(cost.first);
      insideRead.push(cost.last);
      single.push((await openCost(pathToFileURL(aloneFile).href, text)).first);
    }
    console.log(
      `server open, module inside the big flake: ${spread(inside)}   (with the flake read: ${spread(insideRead)})`,
    );
    console.log(
      `server open, the same module alone:       ${spread(single)}   ratio ${ratio(median(inside), median(single))}   target <= 1.5x`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
