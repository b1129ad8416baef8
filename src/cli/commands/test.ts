/**
 * `linux-builder-doctor test [--system SYSTEM] [--features F,...] [--root DIR [--trust-root]] [--timeout-ms N]`: the real test build
 * (with --features, of a derivation that requires those system features, e.g. kvm,nixos-test),
 * its output streamed to stderr; the result (kernel string, duration) or the classified failure
 * and its fix on stdout. Exit 0 when it built on the builder, 1 otherwise, 2 on usage error.
 */
import { FEATURE_NAME, isLinuxSystemDouble } from '../../probes/testBuild.js';
import { testLinuxBuilder, type TestBuilderOptions } from '../../probes/testLinuxBuilder.js';
import { printable } from '../../protocol/shellText.js';
import { USAGE, type CliIo } from '../io.js';
import { parseArgs, UsageError } from '../args.js';
import { announceStagedRefusal, runOptionsFrom } from './probe.js';

export async function runTestCommand(args: string[], io: CliIo): Promise<number> {
  let options: TestBuilderOptions;
  try {
    const parsed = parseArgs('test', args);
    if (parsed.positional.length > 0)
      throw new UsageError(`unexpected argument ${parsed.positional[0] ?? ''}`);
    const run = runOptionsFrom(parsed, io);
    options = {
      env: io.env,
      onOutput: (chunk) => io.stderr(chunk),
      root: run.root,
      timeoutMs: run.timeoutMs,
      trustRoot: run.trustRoot,
      lookupNamesInChild: run.lookupNamesInChild,
    };
    announceStagedRefusal(run, io);
    const system = parsed.flags.get('system');
    if (system !== undefined) {
      if (!isLinuxSystemDouble(system))
        throw new UsageError(
          `--system ${JSON.stringify(printable(system))}: expected a Linux system double, e.g. aarch64-linux`,
        );
      options.system = system;
    }
    const features = parsed.flags.get('features');
    if (features !== undefined) {
      const list = features
        .split(',')
        .map((f) => f.trim())
        .filter((f) => f !== '');
      const bad = list.find((f) => !FEATURE_NAME.test(f));
      if (list.length === 0 || bad !== undefined)
        throw new UsageError(`--features ${features}: expected names like kvm,nixos-test`);
      options.features = list;
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`linux-builder-doctor test: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  io.stderr(
    `linux-builder-doctor: test build${options.system !== undefined ? ` for ${options.system}` : ''}${options.features ? ` requiring {${options.features.join(', ')}}` : ''} (nonce, --max-jobs 0, no substituters: it must build on the builder)\n`,
  );
  const result = await testLinuxBuilder(options);
  const lines = [
    `${result.ok ? 'ok' : 'failed'}: ${result.summary}`,
    `system: ${result.system}`,
    `duration: ${(result.durationMs / 1000).toFixed(1)} s`,
  ];
  if (result.builder !== undefined) lines.push(`builder: ${result.builder}`);
  if (result.kernel !== undefined) lines.push(`kernel: ${result.kernel}`);
  if (result.cause !== undefined) lines.push(`cause: ${result.cause}`);
  if (result.fix) {
    lines.push(`fix: ${result.fix.summary}`);
    for (const c of result.fix.commands ?? []) lines.push(`  ${c}`);
  }
  io.stdout(`${lines.join('\n')}\n`);
  return result.ok ? 0 : 1;
}
