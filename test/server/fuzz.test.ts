/**
 * Fuzz: random mutations of real-shaped Nix (the examples, the fixtures, the user's report) and
 * deeply nested generated input, sent as incremental edits. The server must answer every request
 * within a bound, publish diagnostics for every version it is asked about, never log an engine
 * failure, and stay alive. Replay a failure with LBD_FUZZ_SEED=<seed printed below>.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { examplesDir, fixturesDir } from '../util/paths.js';
import { LspClient, applyChanges, positionAt } from './lspClient.js';
import { seededRandom } from '../util/random.js';
import { itemAt } from '../util/itemAt.js';

// CI replays one fixed seed (a red build must be reproducible from its log alone); developers'
// runs explore a new seed each time.
const SEED = Number(
  process.env.LBD_FUZZ_SEED ?? (process.env.CI === 'true' ? 20261129 : Math.floor(Math.random() * 2 ** 31)),
);
const EDITS_PER_FILE = Number(process.env.LBD_FUZZ_EDITS ?? 120);
/** Per response; the deep inputs are 10-170 kB of nesting, where one analysis takes ~1 s here. */
const RESPONSE_BOUND_MS = 5000;
const DEEP_RESPONSE_BOUND_MS = 15_000;

/** Tokens that stress the grammar's delimiters, strings and interpolation. */
const TOKENS = [
  '{',
  '}',
  ';',
  '=',
  '"',
  "''",
  '${',
  ']',
  '[',
  '(',
  ')',
  '\n',
  "''$",
  "'''",
  "''\\",
  '#',
  '/*',
  '*/',
  '.',
  ':',
  '@',
  '...',
  'nix.linux-builder.',
  'config.',
  'sshOptions = [ ];',
  'lib.mkIf true ',
  'let x = 1; in ',
  'rec ',
  'or ',
  '\\',
  '😀',
  '\t',
];

function nixFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.nix'))
    .map((f) => join(dir, f))
    .sort();
}

const USER_REPORT_CONFIG = `{ config, pkgs, ... }:
{
  nix.linux-builder = {
    enable = true;
    systems = [ "aarch64-linux" "x86_64-linux" ];
    config = {
      sshOptions = [ "-p" "31022" "-l" "builder" "-i" "/etc/nix/builder_ed25519" ];
    };
  };
  nix.buildMachines = [{
    hostName = "localhost";
    sshUser = "builder";
    sshKey = "/etc/nix/builder_ed25519";
    protocol = "ssh";
    publicHostKey = builtins.readFile ./builder_key.pub;
  }];
  environment.etc."ssh/ssh_config.d/100-linux-builder.conf".enable = false;
  programs.zsh.initExtra = ''
    echo ''\${HOME} '''quoted''' ''\\n
  '';
}
`;

function deep(depth: number, open: string, middle: string, close: string): string {
  return `{ nix.linux-builder.config = ${open.repeat(depth)}${middle}${close.repeat(depth)}; }\n`;
}

function withTimeout<T>(what: string, promise: Promise<T>, ms = RESPONSE_BOUND_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (seed ${SEED})`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe(`language server fuzz (seed ${SEED}; replay with LBD_FUZZ_SEED=${SEED})`, function () {
  let client: LspClient;
  const random = seededRandom(SEED);
  const pick = <T>(items: readonly T[]): T => itemAt(items, Math.floor(random() * items.length));
  const int = (max: number): number => Math.floor(random() * max);

  before(async function () {
    console.log(`    fuzz seed: ${SEED}`);
    ({ client } = await LspClient.start());
  });

  after(async function () {
    const failures = client.notifications
      .filter((m) => m.method === 'window/logMessage')
      .map((m) => (m.params as { message: string }).message);
    const code = await client.stop();
    assert.equal(code, 0, `server exit code (seed ${SEED})`);
    assert.equal(client.stderr.join(''), '', "nothing on the server's stderr");
    assert.deepEqual(
      failures.filter((f) => /failed|exception|rejection/i.test(f)),
      [],
      `the engine failed on fuzzed input (seed ${SEED})`,
    );
  });

  /** One random mutation of `text`, as 1-3 LSP changes in one notification. */
  function mutation(text: string): TextDocumentContentChangeEvent[] {
    const changes: TextDocumentContentChangeEvent[] = [];
    let current = text;
    const count = 1 + (random() < 0.2 ? int(3) : 0);
    for (let i = 0; i < count; i++) {
      const from = int(current.length + 1);
      const kind = random();
      let to = from;
      let insert = '';
      if (kind < 0.35) {
        to = Math.min(current.length, from + 1 + int(random() < 0.8 ? 8 : 200));
      } else if (kind < 0.8) {
        insert = pick(TOKENS);
      } else {
        const start = int(current.length + 1);
        insert = current.slice(start, Math.min(current.length, start + int(120)));
      }
      const change = {
        range: { start: positionAt(current, from), end: positionAt(current, to) },
        text: insert,
      };
      changes.push(change);
      current = applyChanges(current, [change]);
    }
    return changes;
  }

  async function exercise(
    uri: string,
    text: string,
    edits: number,
    bound = RESPONSE_BOUND_MS,
  ): Promise<void> {
    await client.open(uri, text);
    await withTimeout('diagnostics after open', client.diagnostics(uri, 1, bound), bound);
    for (let i = 0; i < edits; i++) {
      const changes = mutation(text);
      text = applyChanges(text, changes);
      const version = await client.change(uri, changes);
      if (i % 10 === 9 || i === edits - 1) {
        await withTimeout(`diagnostics v${version}`, client.diagnostics(uri, version, bound), bound);
        const position = positionAt(text, int(text.length + 1));
        await withTimeout(
          'hover',
          client.request('textDocument/hover', { textDocument: { uri }, position }),
          bound,
        );
        await withTimeout(
          'completion',
          client.request('textDocument/completion', { textDocument: { uri }, position }),
          bound,
        );
        await withTimeout(
          'codeAction',
          client.request('textDocument/codeAction', {
            textDocument: { uri },
            range: { start: positionAt(text, 0), end: position },
            context: { diagnostics: [] },
          }),
          bound,
        );
      }
    }
    assert.equal(client.exitCode, undefined, 'server still running');
  }

  // Every example, and (to keep the suite's time bounded as fixtures grow) a seeded sample of
  // the test fixtures; LBD_FUZZ_ALL=1 takes them all.
  const fixtures = nixFiles(fixturesDir);
  while (process.env.LBD_FUZZ_ALL !== '1' && fixtures.length > 6) fixtures.splice(int(fixtures.length), 1);
  const corpus: { name: string; text: string }[] = [
    { name: "the user's report", text: USER_REPORT_CONFIG },
    ...[...nixFiles(examplesDir), ...fixtures].map((file) => ({
      name: file,
      text: readFileSync(file, 'utf8'),
    })),
  ];
  corpus.forEach(({ name, text }, index) => {
    it(`survives ${EDITS_PER_FILE} random edits of ${name}`, async function () {
      this.timeout(60_000);
      await exercise(`file:///tmp/lbd-fuzz/corpus-${index}/module.nix`, text, EDITS_PER_FILE);
    });
  });

  const nested: [string, string][] = [
    ['5,000 nested attribute sets', deep(5000, '{ a = ', '1', '; }')],
    ['5,000 nested lists', deep(5000, '[ ', '1', ' ]')],
    ['5,000 nested parentheses', deep(5000, '(', '1', ')')],
    ['5,000 nested lets and ifs', deep(5000, 'let x = if true then ', '1', ' else 2; in x')],
    ['5,000 unclosed sets', `{ ${'nix = { linux-builder = { '.repeat(2500)}`],
    ['5,000 nested string interpolations', deep(5000, '"${', '"x"', '}"')],
  ];
  nested.forEach(([name, text], index) => {
    it(`answers promptly on ${name}, also after edits`, async function () {
      this.timeout(60_000);
      await exercise(`file:///tmp/lbd-fuzz/deep-${index}/module.nix`, text, 20, DEEP_RESPONSE_BOUND_MS);
    });
  });
});
