import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseNix } from '../../../src/nix/parse.js';
import { stringValue } from '../../../src/nix/strings.js';
import { requireTools } from '../../util/prerequisites.js';
import { mapLimit } from './nixOracle.js';

const run = promisify(execFile);

/** Our decoding of a string literal (the whole text is one string). */
function decode(literal: string): string | null {
  const node = parseNix(literal).tree.topNode.firstChild;
  assert.ok(node && (node.name === 'String' || node.name === 'IndentedString'), literal);
  return stringValue(node, literal);
}

const literals = [
  '"plain"',
  '"esc \\n \\t \\r \\" \\\\ \\$ \\{ \\q"',
  '"dollars $ $$ $${x} \\${y}"',
  '"cr\r\nlf"',
  "''one line''",
  "''\n  a\n  b\n''",
  "''\n    deeper\n  shallow\n    ''",
  "''   \n  skipped first line\n''",
  "''\n  a\n\n  b\n      ''",
  "''\n  ''${HOME} and ''$ and ''' and ''\\n and ''\\t and ''\\\\ and ''\\x\n''",
  "''\n  ''\\n  starts with an escape\n    next\n''",
  "''\n\t tab is not indentation\n  x\n''",
  "''\n  $ and ' and $x '$ $${x} ''",
  '"a$${x}$\\${y}"',
  "''a''",
  "''\n  text\n  ''",
  "''\n  set -eu\n  echo \"''${1:-}\" >&2\n  if [ -n \"$X\" ]; then exit 1; fi\n''",
];

describe('string decoding against nix-instantiate --eval', function () {
  this.timeout(20_000);
  before(function () {
    requireTools(this, ['nix-instantiate']);
  });

  it('decodes every string literal exactly as Nix evaluates it', async () => {
    const results = await mapLimit(literals, 3, async (literal) => {
      const { stdout } = await run('nix-instantiate', ['--eval', '--json', '-E', literal]);
      return { literal, nix: JSON.parse(stdout) as string, ours: decode(literal) };
    });
    const wrong = results.filter((r) => r.nix !== r.ours);
    assert.deepEqual(wrong, []);
  });
});
