import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { coalescedOutput } from '../../../src/server/coalescedOutput.js';

/** A pipe that records each write it is given. */
function recordingPipe(): { pipe: Writable; writes: string[] } {
  const writes: string[] = [];
  const pipe = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writes.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { pipe, writes };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('coalescedOutput', () => {
  it('hands what one turn wrote to the pipe as one write, in order, after the turn', async () => {
    const { pipe, writes } = recordingPipe();
    const output = coalescedOutput(pipe);
    output.write('Content-Length: 2\r\n\r\n', 'ascii');
    output.write(Buffer.from('{}'));
    output.write('Content-Length: 6\r\n\r\n', 'ascii');
    output.write(Buffer.from('["é"]'));
    assert.deepEqual(writes, []);
    await nextTurn();
    await nextTurn();
    assert.deepEqual(writes, ['Content-Length: 2\r\n\r\n{}Content-Length: 6\r\n\r\n["é"]']);
  });

  it('writes of later turns are later writes', async () => {
    const { pipe, writes } = recordingPipe();
    const output = coalescedOutput(pipe);
    output.write('a');
    await nextTurn();
    await nextTurn();
    output.write('b');
    await nextTurn();
    await nextTurn();
    assert.deepEqual(writes, ['a', 'b']);
  });

  it("reports the pipe's error as its own", async () => {
    const { pipe } = recordingPipe();
    const output = coalescedOutput(pipe);
    const failed = new Promise<Error>((resolve) => output.on('error', resolve));
    pipe.emit('error', new Error('EPIPE'));
    assert.equal((await failed).message, 'EPIPE');
  });
});
