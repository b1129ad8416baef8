/**
 * Fix commands with hostile values (test/fixtures/hostile/corpus.json): every command a fix
 * offers is run through `sh -c` in a sandbox — a temp working directory, PATH holding only fake
 * `sudo`, `ssh`, `chmod`, `tee`, … that log their argv, plus the real `touch` an injection would
 * need — and must create nothing and hand each value to its program as one whole argument. A
 * value with a control character must produce no command at all. The scenarios go through the
 * real probes on a staged root; a second pass covers every cause's fix with every value.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runProbes } from '../../../src/probes/run.js';
import { fixFor, type FixFacts } from '../../../src/probes/fixes.js';
import { CAUSE_IDS, type ProbeFix, type ProbeReport } from '../../../src/protocol/probes.js';
import { hasControlCharacter, printable } from '../../../src/protocol/shellText.js';
import { freePort } from '../../util/freePort.js';
import { fixturesDir } from '../../util/paths.js';
import { findExecutable, requireTools } from '../../util/prerequisites.js';

interface Scenario {
  name: string;
  machinesHost?: string;
  keyColumn?: string;
  identityFile?: string;
  keyFile?: { mode: number; owner?: number } | null;
  dropIn?: string;
  include?: boolean;
  rootConfig?: string;
  /** Must reach a program as one whole argument. */
  value?: string;
  /** Holds a control character: no command may carry it. */
  refused?: string;
}
interface Corpus {
  shellValues: string[];
  controlValues: string[];
  scenarios: Scenario[];
}

const corpus = JSON.parse(readFileSync(join(fixturesDir, 'hostile', 'corpus.json'), 'utf8')) as Corpus;
/** Every program a fix command may start; each is a fake that only logs. */
const FAKES = [
  'sudo',
  'ssh',
  'ssh-keyscan',
  'launchctl',
  'rm',
  'chmod',
  'chown',
  'tee',
  'ls',
  'mkdir',
  'mv',
  'cat',
  'cut',
  'base64',
  'tr',
  'grep',
  'tail',
  'darwin-rebuild',
  'nix',
  'linux-builder-doctor',
];

/** A sandbox: fakes that log argv (NUL-separated, one file per call), the real touch, an empty cwd. */
class Sandbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'lbd-hostile-'));
  readonly bin = join(this.dir, 'bin');
  readonly log = join(this.dir, 'log');
  readonly work = join(this.dir, 'work');

  constructor() {
    for (const d of [this.bin, this.log, this.work]) mkdirSync(d);
    // Each also logs the lines it reads (what `sudo tee` would write), after a "<stdin>" marker.
    const fake = [
      '#!/bin/sh',
      'f=$(mktemp "$LBD_FAKE_LOG/call.XXXXXXXX")',
      'printf \'%s\\0\' "${0##*/}" "$@" > "$f"',
      'printf \'<stdin>\\0\' >> "$f"; while IFS= read -r l; do printf \'%s\\0\' "$l" >> "$f"; done',
      '',
    ].join('\n');
    for (const name of FAKES) writeFileSync(join(this.bin, name), fake, { mode: 0o755 });
    for (const tool of ['touch', 'mktemp'])
      symlinkSync(findExecutable(tool) ?? `/usr/bin/${tool}`, join(this.bin, tool));
  }

  /** Run one command as a user would paste it; the argv each fake received. */
  run(command: string): { status: number | null; calls: string[][]; created: string[] } {
    for (const f of readdirSync(this.log)) rmSync(join(this.log, f));
    const r = spawnSync('/bin/sh', ['-c', command], {
      cwd: this.work,
      env: { PATH: this.bin, LBD_FAKE_LOG: this.log, HOME: this.work },
      encoding: 'utf8',
      timeout: 5000,
    });
    const calls = readdirSync(this.log).map((f) =>
      readFileSync(join(this.log, f), 'utf8').split('\0').slice(0, -1),
    );
    const created = readdirSync(this.work, { recursive: true }).map(String);
    for (const f of created) rmSync(join(this.work, f), { recursive: true, force: true });
    return { status: r.status, calls, created };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function assertInert(sandbox: Sandbox, command: string, expected: string | undefined, what: string): void {
  const { status, calls, created } = sandbox.run(command);
  assert.deepEqual(created, [], `${what}: \`${command}\` created ${JSON.stringify(created)}`);
  assert.equal(status, 0, `${what}: \`${command}\` exited ${status} (a program without a fake?)`);
  assert.ok(calls.length > 0, `${what}: \`${command}\` ran no fake`);
  if (expected !== undefined) {
    const args = calls.flat();
    assert.ok(
      args.includes(expected),
      `${what}: \`${command}\` passed ${JSON.stringify(calls)}, not ${JSON.stringify(expected)} whole`,
    );
  }
}

function fixesOf(report: ProbeReport): ProbeFix[] {
  return [
    ...report.results.flatMap((r) => (r.fix ? [r.fix] : [])),
    ...(report.verdict.fix ? [report.verdict.fix] : []),
  ];
}

describe('fix commands with hostile values run nothing (test/fixtures/hostile)', function () {
  let sandbox: Sandbox;
  before(function () {
    sandbox = new Sandbox();
  });
  after(function () {
    sandbox.dispose();
  });

  it('the sandbox catches an injection (the test can fail)', function () {
    const { created } = sandbox.run('ls -l -- h$(touch PWNED)');
    assert.deepEqual(created, ['PWNED']);
    const quoted = sandbox.run("ls -l -- 'h$(touch PWNED)'");
    assert.deepEqual(quoted.created, []);
    assert.deepEqual(quoted.calls, [['ls', '-l', '--', 'h$(touch PWNED)', '<stdin>']]);
  });

  describe('through the real probes on a staged root', function () {
    let root: string;
    let closedPort: number;
    before(async function () {
      requireTools(this, ['ssh']);
      closedPort = await freePort();
    });
    beforeEach(function () {
      root = mkdtempSync(join(tmpdir(), 'lbd-hostile-root-'));
    });
    afterEach(function () {
      rmSync(root, { recursive: true, force: true });
    });

    const stage = (s: Scenario): NodeJS.ProcessEnv => {
      const p = (rel: string): string => join(root, rel);
      for (const d of ['etc/ssh/ssh_config.d', 'etc/nix', 'var/root/.ssh', 'Library/LaunchDaemons', 'bin'])
        mkdirSync(p(d), { recursive: true });
      writeFileSync(
        p('etc/ssh/ssh_config'),
        s.include === false ? '# no Include\n' : `Include ${p('etc/ssh/ssh_config.d')}/*\n`,
      );
      const fill = (v: string | undefined): string | undefined => v?.replace('{root}', root);
      const keyColumn = fill(s.keyColumn);
      const identityFile = fill(s.identityFile);
      writeFileSync(
        join(p('etc/ssh/ssh_config.d'), s.dropIn ?? '100-linux-builder.conf'),
        [
          'Host linux-builder',
          '  User builder',
          '  Hostname 127.0.0.1',
          '  HostKeyAlias linux-builder',
          `  Port ${closedPort}`,
          ...(identityFile !== undefined ? [`  IdentityFile "${identityFile}"`] : []),
          '',
        ].join('\n'),
      );
      writeFileSync(
        p('etc/nix/machines'),
        `ssh-ng://builder@${s.machinesHost ?? 'linux-builder'} x86_64-linux ${keyColumn ?? '-'} 1 1 - - -\n`,
      );
      writeFileSync(p('etc/nix/nix.conf'), '');
      const keyPath = keyColumn ?? identityFile;
      if (s.keyFile && keyPath !== undefined) {
        mkdirSync(dirname(keyPath), { recursive: true });
        writeFileSync(keyPath, 'not a key: the probes never read it\n', { mode: s.keyFile.mode });
        if (s.keyFile.owner !== undefined && process.getuid?.() === 0)
          chownSync(keyPath, s.keyFile.owner, s.keyFile.owner);
      }
      if (s.rootConfig !== undefined) writeFileSync(p('var/root/.ssh/config'), s.rootConfig);
      writeFileSync(
        p('Library/LaunchDaemons/org.nixos.linux-builder.plist'),
        '<plist><dict><key>Label</key><string>org.nixos.linux-builder</string></dict></plist>\n',
      );
      writeFileSync(
        p('bin/launchctl'),
        '#!/bin/sh\nprintf "system/org.nixos.linux-builder = {\\n\\tstate = running\\n}\\n"\n',
        { mode: 0o755 },
      );
      writeFileSync(p('bin/sw_vers'), '#!/bin/sh\necho 14.5\n', { mode: 0o755 });
      return { ...process.env, PATH: `${p('bin')}:${process.env.PATH ?? ''}` };
    };

    for (const scenario of corpus.scenarios) {
      it(`${printable(scenario.name)}: every offered command is inert${scenario.refused !== undefined ? ', and none carries the value' : ''}`, async function () {
        this.timeout(30_000);
        if (scenario.keyFile?.owner !== undefined && process.getuid?.() !== 0) {
          console.warn('  SKIPPED: giving the key to another owner needs root');
          this.skip();
        }
        const env = stage(scenario);
        const cwdBefore = readdirSync(process.cwd());
        const report = await runProbes({ root, env, timeoutMs: 20_000 });
        assert.deepEqual(readdirSync(process.cwd()), cwdBefore, 'the probes themselves created nothing');
        const fixes = fixesOf(report);
        const commands = [...new Set(fixes.flatMap((f) => f.commands ?? []))];
        const trace = `results: ${report.results.map((r) => `${r.id}=${r.status}: ${r.summary}`).join('\n')}\ncommands: ${JSON.stringify(commands)}`;
        for (const command of commands) {
          assert.ok(
            !hasControlCharacter(command),
            `a command with a control character: ${JSON.stringify(command)}`,
          );
          assertInert(sandbox, command, undefined, scenario.name);
        }
        for (const fix of fixes)
          assert.ok(
            !hasControlCharacter(fix.summary),
            `a fix summary with a control character: ${JSON.stringify(fix.summary)}`,
          );
        if (scenario.value !== undefined) {
          // The value is used by some command, and reaches its program whole.
          const using = commands.filter((c) =>
            sandbox
              .run(c)
              .calls.flat()
              .includes(scenario.value ?? ''),
          );
          assert.ok(using.length > 0, `no command passes ${JSON.stringify(scenario.value)} whole\n${trace}`);
        }
        if (scenario.refused !== undefined) {
          const shown = printable(scenario.refused);
          const refusals = fixes.filter(
            (f) => f.summary.includes(shown) && /control character/.test(f.summary),
          );
          assert.ok(refusals.length > 0, `no fix says why it offers no command for ${shown}\n${trace}`);
          for (const f of refusals)
            assert.equal(f.commands, undefined, `a refused fix still has commands: ${JSON.stringify(f)}`);
        }
      });
    }
  });

  describe("every cause's fix, with every value in every field", function () {
    const facts = (value: string, nixDarwin: boolean, rootSshConfigExists: boolean): FixFacts => ({
      host: value,
      keyPath: value,
      hostBlockFile: value,
      lookupName: value,
      uri: `ssh-ng://${value}`,
      port: 2222,
      nixDarwin,
      determinateVm: false,
      rootSshConfigExists,
      rootSshConfig: '/var/root/.ssh/config',
    });
    const variants = [
      [true, true],
      [true, false],
      [false, true],
      [false, false],
    ] as const;
    const benign = 'benign-value';

    it('shell values: each command is inert and passes the value whole', function () {
      this.timeout(120_000);
      let ran = 0;
      const seen = new Set<string>();
      for (const value of corpus.shellValues) {
        for (const cause of CAUSE_IDS) {
          for (const [nixDarwin, exists] of variants) {
            const reference = fixFor(cause, facts(benign, nixDarwin, exists))?.commands ?? [];
            const commands = fixFor(cause, facts(value, nixDarwin, exists))?.commands ?? [];
            reference.forEach((ref, i) => {
              const command = commands[i];
              if (!ref.includes(benign)) return;
              if (command === undefined) {
                // Only an Include line whose file name ssh_config would read as a glob is withheld.
                assert.match(value, /[*?[\\]/, `${cause}: no command for ${JSON.stringify(value)}`);
                return;
              }
              const include = ref.includes(`Include ${benign}`);
              const expected = include
                ? `Include ${/^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `"${value.replace(/"/g, '\\"')}"`}`
                : value;
              if (seen.has(`${command}\0${expected}`)) return;
              seen.add(`${command}\0${expected}`);
              assertInert(sandbox, command, expected, `${cause} with ${JSON.stringify(value)}`);
              ran++;
            });
          }
        }
      }
      assert.ok(ran > 200, `ran ${ran} distinct commands`);
    });

    it('control values: no command carries them, and the fix says why', function () {
      for (const value of corpus.controlValues) {
        for (const cause of CAUSE_IDS) {
          for (const [nixDarwin, exists] of variants) {
            const reference = fixFor(cause, facts(benign, nixDarwin, exists));
            const fix = fixFor(cause, facts(value, nixDarwin, exists));
            for (const c of fix?.commands ?? [])
              assert.ok(!hasControlCharacter(c), `${cause}: ${JSON.stringify(c)}`);
            if (fix !== undefined)
              assert.ok(
                !hasControlCharacter(fix.summary),
                `${cause}: summary ${JSON.stringify(fix.summary)}`,
              );
            if ((reference?.commands ?? []).some((c) => c.includes(benign))) {
              assert.equal(
                fix?.commands,
                undefined,
                `${cause} with ${JSON.stringify(value)} still offers ${JSON.stringify(fix?.commands)}`,
              );
              assert.match(fix?.summary ?? '', /contains a control character/);
            }
          }
        }
      }
    });
  });
});
