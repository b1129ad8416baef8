import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMAND_FLAGS, parseArgs, UsageError, type CommandName } from '../../../src/cli/args.js';
import { USAGE } from '../../../src/cli/io.js';
import { distCli, projectRoot } from '../../util/paths.js';

/** The flags named in a synopsis: `[--root DIR [--trust-root]]` → root, trust-root. */
const flagsIn = (synopsis: string): string[] =>
  [...synopsis.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1] ?? '').sort();

/**
 * Each command's synopsis in a usage text: its line (`  check [...]` or `linux-builder-doctor check
 * [...]`) up to the description column, plus the lines that continue it (indented, starting with `[`).
 */
function synopses(text: string, commandLine: RegExp): Map<string, string> {
  const found = new Map<string, string>();
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const m = commandLine.exec(line);
    if (m?.[1] !== undefined) {
      current = m[1];
      found.set(current, line.slice(m[0].length).split(/ {3,}/)[0] ?? '');
    } else if (current !== undefined && /^ {1,12}\[/.test(line)) {
      found.set(current, `${found.get(current) ?? ''} ${line.trim()}`);
    } else current = undefined;
  }
  return found;
}

const commands = (Object.keys(COMMAND_FLAGS) as CommandName[]).sort();
const accepted = (command: CommandName): string[] => Object.keys(COMMAND_FLAGS[command]).sort();

describe('CLI flags: one table, one parser, documented exactly', function () {
  it('--help lists every command and exactly the flags each accepts', function () {
    const usage = synopses(USAGE, /^ {2}([a-z]+) /);
    assert.deepEqual([...usage.keys()].sort(), commands);
    for (const command of commands)
      assert.deepEqual(flagsIn(usage.get(command) ?? ''), accepted(command), command);
  });

  it("the README's command-line block says the same", function () {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const block = /## The command line\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(block !== undefined, 'README has a "## The command line" code block');
    const lines = synopses(block, /^linux-builder-doctor ([a-z]+) /);
    assert.deepEqual([...lines.keys()].sort(), commands);
    for (const command of commands)
      assert.deepEqual(flagsIn(lines.get(command) ?? ''), accepted(command), command);
  });

  it('--name value and --name=value, trimmed; the last of a repeated flag; switches as true', function () {
    const parsed = parseArgs('probe', [
      '--root',
      ' /x ',
      '--only=platform',
      '--timeout-ms',
      '5',
      '--timeout-ms',
      '7',
      '--no-redact',
      'extra',
    ]);
    assert.deepEqual(
      [...parsed.flags],
      [
        ['root', '/x'],
        ['only', 'platform'],
        ['timeout-ms', '7'],
        ['no-redact', 'true'],
      ],
    );
    assert.deepEqual(parsed.positional, ['extra']);
    assert.deepEqual(
      parseArgs('check', ['--disable-rule', 'a', '--disable-rule=b', 'f.nix']).repeated.get('disable-rule'),
      ['a', 'b'],
    );
  });

  for (const [command, args] of [
    ['report', ['--colour', 'red']],
    ['report', ['--only', 'platform']],
    ['test', ['--system']],
    ['probe', ['--trust-root=yes']],
    ['check', ['--root', '/', 'f.nix']],
    ['explain', ['--format']],
  ] as const) {
    it(`${command} ${args.join(' ')}: a usage error`, function () {
      assert.throws(() => parseArgs(command, [...args]), UsageError);
    });
  }
});

describe('CLI: an unknown command', function () {
  this.timeout(30_000);
  for (const name of ['frobnicate', 'toString', 'constructor']) {
    it(`'${name}' is a usage error (exit 2, usage on stderr), never run as a command`, () => {
      // (An Object method's name used to be looked up like a command and crashed the CLI.)
      const run = spawnSync(process.execPath, [distCli, name], { encoding: 'utf8' });
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`^linux-builder-doctor: unknown command '${name}'\n\nusage:`));
      assert.equal(run.stdout, '');
    });
  }
});
