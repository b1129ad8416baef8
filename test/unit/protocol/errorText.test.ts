import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorText } from '../../../src/protocol/errorText.js';
import { projectRoot } from '../../util/paths.js';

describe('errorText (the one error formatter, issue 11 item 6)', function () {
  it('gives an Error\'s message, not String()\'s "Error: …"', function () {
    assert.equal(errorText(new TypeError('bad input')), 'bad input');
  });

  it('gives anything else that was thrown as text', function () {
    assert.equal(errorText('plain string'), 'plain string');
    assert.equal(errorText(42), '42');
    assert.equal(errorText(undefined), 'undefined');
  });

  it("names file-system failures in plain words instead of Node's \"EACCES: …, open '…'\"", function () {
    const denied = Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: 'EACCES' });
    const missing = Object.assign(new Error("ENOENT: no such file or directory, open '/x'"), {
      code: 'ENOENT',
    });
    const loop = Object.assign(new Error('ELOOP: too many symbolic links'), { code: 'ELOOP' });
    assert.equal(errorText(denied), 'permission denied');
    assert.equal(errorText(Object.assign(new Error('x'), { code: 'EPERM' })), 'permission denied');
    assert.equal(errorText(missing), 'no such file or folder');
    assert.equal(errorText(loop), 'too many levels of symbolic links');
    assert.equal(errorText(Object.assign(new Error('other'), { code: 'EIO' })), 'other');
  });

  it('gives the stack trace for logs, which starts with the message', function () {
    const text = errorText(new Error('broke'), { stack: true });
    assert.match(text, /^Error: broke\n\s+at /);
    assert.equal(errorText('thrown string', { stack: true }), 'thrown string');
  });

  it('is the only place under src/ that turns a caught value into text', function () {
    // The shapes the copies had: a ternary on instanceof Error, String() of a caught value, and a
    // cast to read .message off an unknown.
    const copies = [
      /instanceof Error \?/,
      /String\((error|err|e)\)/,
      /as (Error|NodeJS\.ErrnoException)\)\.message/,
    ];
    const offenders: string[] = [];
    for (const file of readdirSync(join(projectRoot, 'src'), { recursive: true }).map(String)) {
      if (!file.endsWith('.ts') || file === join('protocol', 'errorText.ts')) continue;
      const text = readFileSync(join(projectRoot, 'src', file), 'utf8');
      for (const copy of copies) if (copy.test(text)) offenders.push(`${file}: ${copy.source}`);
    }
    assert.deepEqual(offenders, []);
  });
});
