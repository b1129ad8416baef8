/**
 * Entry point VS Code loads as `extensionTestsPath` inside the real extension host: runs the
 * bundled *.test.cjs files next to it with mocha, writes {passed, failed, skipped} and a plain log
 * for the runner outside (the host's stdout is not ours to read).
 */
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { hostEnv } from './hostEnv.js';

export function run(): Promise<void> {
  const env = hostEnv();
  writeFileSync(env.logFile, '');
  const log = (line: string): void => appendFileSync(env.logFile, `${line}\n`);
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: false, reporter: 'dot' });
  const only = env.files;
  for (const file of readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.cjs'))
    .sort()) {
    if (only && !only.some((o) => file.startsWith(o))) continue;
    mocha.addFile(join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const stats = runner.stats ?? { passes: 0, failures, pending: 0 };
      writeFileSync(
        env.statsFile,
        JSON.stringify({ passed: stats.passes, failed: stats.failures, skipped: stats.pending }),
      );
      if (failures > 0) reject(new Error(`${failures} in-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', (test) => log(`  ✔ ${test.fullTitle()} (${test.duration ?? 0} ms)`));
    runner.on('pending', (test) => log(`  - ${test.fullTitle()} (skipped)`));
    runner.on('fail', (test, error: Error) =>
      log(`  ✘ ${test.fullTitle()}\n      ${(error.stack ?? error.message).split('\n').join('\n      ')}`),
    );
  });
}
